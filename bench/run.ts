import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildForBench } from './build.js';
import { updateDocs } from './docs.js';
import { startGatelink } from './gatelink.js';
import { ensureHaproxy, haproxyVersion, startHaproxyChain } from './haproxy.js';
import { startNodeTlsChain, startSpliceChain } from './reference.js';
import { FULL_PLAN, idleRss, measureIdlePlayers, measureRound, QUICK_PLAN, type Plan } from './measure.js';
import { BENCH_DOMAIN, type BenchPath } from './paths.js';
import { killAllChildren, spawnChild } from './processes.js';
import { renderReport, type MachineInfo } from './report.js';
import { DEFAULT_PATHS, PATH_KEYS, PATH_LABELS, REFERENCE_PATHS, type PathKey, type RoundFigures, type RunResults } from './results.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HELP = `Usage: npm run bench -- [options]

Measures four paths to one backend on 127.0.0.1, side by side: direct, a 2-hop HAProxy chain
(TCP mode), Gatelink with plain data channels, Gatelink with TLS. Two reference chains, named
with --paths, bound the bulk figures on this machine: splice (two hops that move bytes with
splice(2), built with cc) and node-tls (two bare Node hops with TLS between them).

  --quick            one round, shorter runs (about a minute)
  --rounds <n>       rounds of the timed figures (default 5, quick 1)
  --paths <list>     comma-separated, from ${PATH_KEYS.join(',')}
                     (default ${DEFAULT_PATHS.join(',')})
  --idle <n>         idle players to hold open (default 8000)
  --update-docs      write the table into docs/benchmarks.md
  --worktree         build the files on disk rather than the last commit (HEAD)
  --source           run the Gate and Link from the TypeScript sources on disk (tsx), no build
  --entry <file>     run the Gate and Link from this CLI entry (e.g. dist/cli/main.js)
  --gate-args=<args> extra arguments for gatelink gate (space-separated)
  --link-args=<args> extra arguments for gatelink link, e.g. --link-args="--pool-size 16"
  --cpu-prof         write V8 CPU profiles of the Gate and Link processes under .bench/profiles
  -h, --help         this text
`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    paths: { type: 'string' },
    idle: { type: 'string' },
    'update-docs': { type: 'boolean', default: false },
    source: { type: 'boolean', default: false },
    worktree: { type: 'boolean', default: false },
    entry: { type: 'string' },
    'gate-args': { type: 'string' },
    'link-args': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const base = values.quick ? QUICK_PLAN : FULL_PLAN;
const plan: Plan = {
  ...base,
  ...(values.rounds ? { rounds: Math.max(1, Number(values.rounds)) } : {}),
  ...(values.idle ? { idlePlayers: Math.max(1, Number(values.idle)) } : {}),
};
const wanted = (values.paths?.split(',').map((p) => p.trim()) ?? [...DEFAULT_PATHS]) as PathKey[];
for (const p of wanted) {
  if (!PATH_KEYS.includes(p)) {
    process.stderr.write(`unknown path "${p}"; known: ${PATH_KEYS.join(', ')}\n`);
    process.exit(2);
  }
}

const say = (line: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const loadAtStart = loadavg()[0]!;

function machineInfo(): Omit<MachineInfo, 'build'> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    nproc: cpus().length,
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU',
    node: process.version,
    haproxy: haproxyVersion(),
    kernel: release(),
    load: `${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`,
    mode: `${values.quick ? 'quick' : 'full'}, ${plan.rounds} round${plan.rounds === 1 ? '' : 's'}`,
  };
}

function describeRound(f: RoundFigures): string {
  const n = (v: number | undefined, d = 0): string => (v === undefined ? '—' : v.toFixed(d));
  return (
    `bulk ${n(f.uploadMBs)}/${n(f.downloadMBs)} MB/s, ping p50 ${n(f.pingP50Ms, 3)} p99 ${n(f.pingP99Ms, 3)} ms, ` +
    `${n(f.messagesPerSec)} msg/s, set-up p50 ${n(f.setupP50Ms, 3)} p99 ${n(f.setupP99Ms, 3)} ms (${n(f.setupErrors)} errors, ` +
    `CPU ${n(f.setupCpuFrontMs, 3)} + ${n(f.setupCpuBackMs, 3)} ms each)`
  );
}

async function main(): Promise<number> {
  const started = Date.now();
  // Kept after the run: the processes' logs are the first thing to read when a figure looks wrong.
  const work = join(ROOT, '.bench', 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const results: RunResults = {};
  const paths: BenchPath[] = [];
  const note = (key: PathKey, text: string): void => {
    (results[key] ??= { rounds: [], memory: {}, notes: [] }).notes.push(text);
    say(`${PATH_LABELS[key]}: ${text}`);
  };
  try {
    say(`logs under ${work}; plan ${JSON.stringify(plan)}`);
    const backend = spawnChild({
      name: 'backend',
      command: process.execPath,
      args: ['--import', 'tsx', join(ROOT, 'bench', 'backend-main.ts'), String(PATH_KEYS.length)],
      logFile: join(work, 'backend.log'),
      cwd: ROOT,
    });
    const ports = (JSON.parse(await backend.waitForLine(/^\{"ports"/)) as { ports: number[] }).ports;
    const backendPort = (key: PathKey): number => ports[PATH_KEYS.indexOf(key)]!;
    say(`backend listening on ${ports.join(', ')}`);

    if (wanted.includes('direct')) {
      paths.push({ key: 'direct', target: { port: backendPort('direct'), domain: BENCH_DOMAIN }, stop: async () => {} });
    }
    if (wanted.includes('haproxy')) {
      if (ensureHaproxy(say)) {
        const chain = await startHaproxyChain(work, backendPort('haproxy'));
        paths.push({ key: 'haproxy', target: { port: chain.port, domain: BENCH_DOMAIN }, front: chain.front, back: chain.back, stop: chain.stop });
        say(`haproxy chain listening on ${chain.port}`);
      } else {
        note('haproxy', 'skipped: haproxy is not installed and could not be installed');
      }
    }
    let entry: string | undefined;
    let built = 'working tree (tsx)';
    for (const key of ['gatelink', 'gatelink-tls'] as const) {
      if (!wanted.includes(key)) continue;
      try {
        if (entry === undefined) {
          if (values.entry) {
            entry = resolve(values.entry);
            built = values.entry;
          } else if (values.source) {
            entry = join(ROOT, 'src', 'cli', 'main.ts');
          } else {
            const result = await buildForBench(ROOT, values.worktree);
            entry = result.entry;
            built = result.source;
            say(`built ${built} for the Gate and Link`);
          }
        }
        const path = await startGatelink({
          key,
          tls: key === 'gatelink-tls',
          backendPort: backendPort(key),
          work: join(work, key),
          root: ROOT,
          entry,
          gateArgs: values['gate-args']?.split(' ').filter(Boolean) ?? [],
          linkArgs: values['link-args']?.split(' ').filter(Boolean) ?? [],
          cpuProfDir: values['cpu-prof'] ? join(ROOT, '.bench', 'profiles') : undefined,
          log: say,
        });
        paths.push(path);
        say(`${PATH_LABELS[key]} listening on ${path.target.port}`);
      } catch (error) {
        note(key, `skipped: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    for (const key of REFERENCE_PATHS) {
      if (!wanted.includes(key)) continue;
      try {
        const start = key === 'splice' ? startSpliceChain : startNodeTlsChain;
        const chain = await start(join(work, key), backendPort(key));
        paths.push({ key, target: { port: chain.port, domain: BENCH_DOMAIN }, front: chain.front, back: chain.back, bulkOnly: true, stop: chain.stop });
        say(`${PATH_LABELS[key]} listening on ${chain.port}`);
      } catch (error) {
        note(key, `skipped: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    for (const path of paths) results[path.key] ??= { rounds: [], memory: {}, notes: [] };

    // Idle means at rest: read once the last process started has done nothing for restMs.
    await sleep(plan.restMs);
    for (const path of paths) if (!path.bulkOnly) results[path.key]!.memory = idleRss(path);

    for (const path of paths) {
      if (!path.front || path.bulkOnly) continue;
      say(`${PATH_LABELS[path.key]}: ${plan.idlePlayers} idle players`);
      try {
        Object.assign(results[path.key]!.memory, await measureIdlePlayers(path, plan));
      } catch (error) {
        note(path.key, `idle players failed: ${(error as Error).message}`);
      }
    }

    for (let round = 1; round <= plan.rounds; round++) {
      // Paths take turns within a round so drift in the machine's load spreads over all of them.
      for (const path of paths) {
        say(`round ${round}/${plan.rounds}: ${PATH_LABELS[path.key]}`);
        const figures = await measureRound(path, plan, (what, error) =>
          note(path.key, `round ${round}, ${what} failed: ${(error as Error).message}`),
        );
        results[path.key]!.rounds.push(figures);
        await sleep(500);
        say(`  ${describeRound(figures)}`);
      }
    }

    const report = renderReport(results, { ...machineInfo(), build: built });
    process.stdout.write(`\n${report}`);
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    writeFileSync(join(ROOT, '.bench', 'last-report.md'), report);
    writeFileSync(join(ROOT, '.bench', 'last-results.json'), `${JSON.stringify({ plan, results }, null, 2)}\n`);
    if (values['update-docs']) {
      updateDocs(join(ROOT, 'docs', 'benchmarks.md'), report);
      say('docs/benchmarks.md updated');
    }
    say(`done in ${Math.round((Date.now() - started) / 1000)} s`);
    return 0;
  } finally {
    await Promise.allSettled(paths.map((p) => p.stop()));
    killAllChildren();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`failed: ${(error as Error).stack ?? String(error)}`);
    killAllChildren();
    process.exit(1);
  },
);
