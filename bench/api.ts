// Hub API benchmark: GET /api/routes with 1,000 routes and POST /api/routes, on SQLite and
// PostgreSQL. The Hub runs as its own process (as in production); autocannon drives it.
// Usage: npm run bench:api -- [--duration 10] [--connections 50] [--db sqlite,postgres] [--update-docs]
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { REPO_ROOT, startHubProcess } from '../src/hub/test-support/hub-process.js';
import { createTestDatabase, type DatabaseKind } from '../src/hub/test-support/test-database.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    'write-connections': { type: 'string', default: '10' },
    db: { type: 'string', default: 'sqlite,postgres' },
    routes: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    'update-docs': { type: 'boolean', default: false },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
// Writes are serialized by the database; more connections only lengthen the queue.
const WRITE_CONNECTIONS = Number(values['write-connections']);
const ROUTES = Number(values.routes);
const ROUNDS = Number(values.rounds);
const PASSWORD = 'bench-password';

interface Figure {
  db: DatabaseKind;
  test: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time the Hub process spent per request (user + system), in µs. */
  cpuUs: number;
}

/** CPU time a process has used so far, in ms (Linux /proc; 0 elsewhere). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function benchOne(db: DatabaseKind): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const database = await createTestDatabase(db, join(dir, 'hub.db'));
  const hub = await startHubProcess([], {
    DATABASE_URL: database.url,
    HUB_ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: 'warn',
  });
  try {
    const login = await fetch(`${hub.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'hub_admin', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const agent = (await (
      await fetch(`${hub.url}/api/agents`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'bench', mode: 'redis' }),
      })
    ).json()) as { ID: number };
    const route = (domain: string) =>
      JSON.stringify({ domain, target_ip: '10.0.0.1', target_port: 25565, agent_id: agent.ID });
    for (let i = 0; i < ROUTES; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, ROUTES - i) }, (_, j) =>
          fetch(`${hub.url}/api/routes`, {
            method: 'POST',
            headers,
            body: route(`seed-${i + j}.bench.test`),
          }),
        ),
      );
    }
    const listBody = await (await fetch(`${hub.url}/api/routes`, { headers })).text();
    LIST_BYTES = Buffer.byteLength(listBody);
    const listed = JSON.parse(listBody) as unknown[];
    if (listed.length !== ROUTES)
      throw new Error(`expected ${ROUTES} routes, found ${listed.length}`);

    const listUrl = `${hub.url}/api/routes`;
    const figures: Figure[] = [];
    // Several rounds, the median one reported: the figures move with whatever else the host runs.
    const measure = async (test: string, opts: () => autocannon.Options) => {
      const rounds: Figure[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const cpuBefore = cpuMs(hub.child.pid);
        const r = await run(opts());
        const cpu = cpuMs(hub.child.pid) - cpuBefore;
        const f = {
          db,
          test,
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          errors: r.errors + r.non2xx,
          cpuUs: r.requests.total > 0 ? (cpu * 1000) / r.requests.total : 0,
        };
        rounds.push(f);
        console.log(
          `${db.padEnd(8)} ${test.padEnd(34)} ${f.rps.toFixed(0).padStart(7)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  hub CPU ${f.cpuUs.toFixed(0)} µs/req  ${Math.round(r.throughput.total / Math.max(1, r.requests.total) / 1024)} KiB/answer  errors ${f.errors}`,
        );
      }
      if (test.startsWith('POST')) {
        const count = ((await (await fetch(listUrl, { headers })).json()) as unknown[]).length;
        const first = rounds[0]?.cpuUs ?? 0;
        const last = rounds[rounds.length - 1]?.cpuUs ?? 0;
        NOTES.push(
          `${db === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: Hub CPU per write ${Math.round(first).toLocaleString('en')} µs in the first round, ` +
            `${Math.round(last).toLocaleString('en')} µs in the last, the table having grown from ${ROUTES.toLocaleString('en')} to ${count.toLocaleString('en')} routes.`,
        );
      }
      rounds.sort((a, b) => a.rps - b.rps);
      const median = rounds[Math.floor(rounds.length / 2)];
      if (median) figures.push({ ...median, errors: rounds.reduce((sum, f) => sum + f.errors, 0) });
    };

    // Warm-up, then the measured runs.
    await run({ url: listUrl, headers, connections: CONNECTIONS, duration: 2 });
    await measure(`GET /api/routes (${ROUTES} routes)`, () => ({
      url: listUrl,
      headers,
      connections: CONNECTIONS,
      duration: DURATION,
    }));

    let n = 0;
    await measure('POST /api/routes', () => ({
      url: listUrl,
      connections: WRITE_CONNECTIONS,
      duration: DURATION,
      requests: [
        {
          method: 'POST',
          headers,
          setupRequest: (req) => ({ ...req, body: route(`new-${n++}.bench.test`) }),
        },
      ],
    }));
    return figures;
  } finally {
    await hub.kill();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(figures: Figure[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.db === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${f.test} | ${Math.round(f.rps).toLocaleString('en')} | ${f.p50} | ${f.p99} | ${Math.round(f.cpuUs)} | ${f.errors} |`,
  );
  return [
    '## Hub API',
    '',
    `\`npm run bench:api\` (bench/api.ts): the Hub as its own process on 127.0.0.1, driven by autocannon with ${CONNECTIONS} connections`,
    `for reads and ${WRITE_CONNECTIONS} for writes, for ${DURATION} s per round after a warm-up, a valid bearer token on every request; the median of ${ROUNDS} rounds`,
    `(errors: all rounds). ${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? 'unknown'}) shared by the Hub, the load`,
    `generator and other work (load average ${LOAD_AT_START} at the start), Node ${process.version}. SQLite is a file in WAL`,
    'mode with `synchronous=FULL` (every acknowledged write is on disk); PostgreSQL is a local server. Latencies in ms.',
    '',
    '| database | request | req/s | p50 | p99 | Hub CPU µs/req | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '"Hub CPU" is the user + system time of the Hub process divided by the requests it answered: what one request',
    'costs the Hub whatever else competes for the cores (1,000,000 / that figure is what one free core could serve).',
    `The list of ${ROUTES} routes is about ${Math.round(LIST_BYTES / 1024)} KiB per answer, so that row mostly measures moving`,
    'bytes through loopback and the load generator. The Hub serializes the list once per config version and serves',
    'the bytes from memory until the next change; each request still checks the token (signature check cached, one',
    'indexed lookup for revocation that also reads the config version), so a change made through another Hub is seen',
    'at once. Pollers that send `If-None-Match` get `304` without the body. A POST is one transaction (agent check,',
    'domain check, insert, config version bump, audit entry); on SQLite each commit waits for its fsync, which bounds',
    'the write rate on this disk. Every committed change is then published as a whole new configuration snapshot',
    '(the Hub applies its own changes to its copy of the state instead of re-reading the tables, and folds changes',
    'that arrive while a publication runs), so the cost of a write still grows with the number of routes; the POST',
    'rounds run one after another on the same database:',
    '',
    ...NOTES.map((n) => `- ${n}`),
    '',
    'Errors are requests that failed or timed out (10 s) in the load generator.',
    '',
  ].join('\n');
}

/** Replace the "## Hub API" section (up to the next "## " heading) or append it. */
function updateDocs(section: string): void {
  const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = text.indexOf('\n## Hub API\n');
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + 1);
  writeFileSync(file, `${text.slice(0, start + 1)}${section}${next < 0 ? '' : text.slice(next)}`);
}

let LIST_BYTES = 0;
const NOTES: string[] = [];
const LOAD_AT_START = loadavg()[0]?.toFixed(1) ?? '?';
const figures: Figure[] = [];
for (const db of values.db.split(',') as DatabaseKind[]) figures.push(...(await benchOne(db)));
const section = report(figures);
if (values['update-docs']) updateDocs(section);
else console.log(`\n${section}`);
