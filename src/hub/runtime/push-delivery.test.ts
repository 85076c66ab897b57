import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../bus/memory-bus.js';
import type { Bus } from '../../bus/bus.js';
import type { LinkView } from '../../bus/types.js';
import {
  PUSH_SIGNATURE_HEADER,
  PUSH_TIMESTAMP_HEADER,
  verifyPush,
} from '../../protocol/push-signature.js';
import { createLogger } from '../../shared/logger.js';
import { createHubRuntime, type HubRuntime, type PushOptions } from './index.js';
import { createMemoryHubStore, type MemoryHubStore } from './memory-hub-store.js';
import { sendPush } from './push-request.js';
import { agentState, gatePresence, routeConfig } from './test-fixtures.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  view: LinkView;
}

/** A push-mode Link stand-in: records pushes, answers 503 to the first `failFirst`, can be slow. */
async function startLinkServer(opts: { failFirst?: number; delayMs?: number } = {}) {
  const received: Received[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let failuresLeft = opts.failFirst ?? 0;
  const server: Server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body,
        view: JSON.parse(body) as LinkView,
      });
      setTimeout(() => {
        inFlight--;
        if (failuresLeft > 0) {
          failuresLeft--;
          res.writeHead(503).end('busy');
        } else {
          res.writeHead(204).end();
        }
      }, opts.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A push aborted mid-request leaves a connection the server would otherwise wait on.
        server.closeAllConnections();
      }),
  };
}

type LinkServer = Awaited<ReturnType<typeof startLinkServer>>;

const until = async (ok: () => boolean | Promise<boolean>, ms = 3_000) => {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const gate = (id: string, fingerprint = 'AA:BB') => gatePresence(id, { fingerprint });

let bus: Bus;
let store: MemoryHubStore;
let runtime: HubRuntime;
let link: LinkServer;
let logLines: string[];

async function startHub(linkUrl: string, pushOptions: PushOptions = {}): Promise<void> {
  const token = 'push-token-1';
  bus = createMemoryBus();
  store = createMemoryHubStore({
    version: 1,
    routes: [
      routeConfig(1, 'play.example.com', '10.0.0.5', 1),
      routeConfig(2, 'other.example.com', '10.0.0.9', 2),
    ],
    agents: [
      agentState(1, token, { name: 'pushed', mode: 'push', pushUrl: linkUrl }),
      agentState(2, 't2', { name: 'follower' }),
    ],
  });
  logLines = [];
  const log = createLogger({
    level: 'debug',
    destination: { write: (s: string) => void logLines.push(s) },
  });
  runtime = createHubRuntime({
    bus,
    log,
    hubId: 'hub-a',
    store,
    pushOptions: { timeoutMs: 500, backoff: { initialMs: 10, maxMs: 40 }, ...pushOptions },
  });
  await runtime.start();
}

const signedWith = (r: Received, token: string) =>
  verifyPush(
    token,
    r.headers[PUSH_TIMESTAMP_HEADER] as string | undefined,
    r.headers[PUSH_SIGNATURE_HEADER] as string | undefined,
    r.body,
  ).ok;

afterEach(async () => {
  await runtime?.stop();
  await bus?.close();
  await link?.close();
});

describe('push delivery', () => {
  it('posts a signed view and retries with backoff until the Link acknowledges, warning once', async () => {
    link = await startLinkServer({ failFirst: 3 });
    await startHub(`${link.url}/gatelink/push`);
    await until(() => link.received.length >= 4);
    await sleep(50);
    expect(link.received).toHaveLength(4);
    for (const r of link.received) {
      expect(r.path).toBe('/gatelink/push');
      expect(r.headers['content-type']).toBe('application/json');
      expect(signedWith(r, 'push-token-1')).toBe(true);
      expect(signedWith(r, 'another-token')).toBe(false);
    }
    expect(link.received[3]?.view).toEqual({
      version: 1,
      agentId: 1,
      enabled: true,
      routes: [
        {
          id: 1,
          domain: 'play.example.com',
          targetIp: '10.0.0.5',
          targetPort: 25565,
          proxyProtocol: false,
        },
      ],
      gates: [],
    });

    const warnings = logLines.filter((l) => l.includes('push to link failed'));
    expect(warnings).toHaveLength(1);
    expect(logLines.some((l) => l.includes('delivered after retries'))).toBe(true);
    const allLogs = logLines.join('\n');
    expect(allLogs).not.toContain('push-token-1');
    expect(allLogs).not.toContain(link.received[0]!.headers[PUSH_SIGNATURE_HEADER] as string);
    expect(store.logs.map((l) => [l.level, l.source, l.message])).toEqual([
      ['warn', 'hub', 'push to link failing'],
      ['info', 'hub', 'push to link delivered again'],
    ]);

    const metrics = await runtime.metrics.metrics();
    expect(metrics).toMatch(/^gatelink_hub_pushes_total\{result="rejected"\} 3$/m);
    expect(metrics).toMatch(/^gatelink_hub_pushes_total\{result="ok"\} 1$/m);
    expect(metrics).toMatch(/^gatelink_hub_push_latency_seconds_count 4$/m);
  });

  it('pushes a change to the Link well under 100 ms', async () => {
    link = await startLinkServer();
    await startHub(link.url);
    await until(() => link.received.length === 1);
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      store.change((s) => void (s.routes[0]!.targetPort = 50_000 + i));
      const started = performance.now();
      runtime.notifyChanged();
      await until(() => link.received.at(-1)?.view.routes[0]?.targetPort === 50_000 + i);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    expect(latencies[2]).toBeLessThan(100);
  });

  it('keeps one push in flight and ends with the newest view after a burst of changes', async () => {
    link = await startLinkServer({ delayMs: 25 });
    await startHub(link.url);
    await until(() => link.received.length >= 1);
    for (let i = 0; i < 30; i++) {
      store.change((s) => void (s.routes[0]!.targetPort = 40_000 + i));
      runtime.notifyChanged();
      if (i % 10 === 0) await sleep(5);
    }
    await until(() => link.received.at(-1)?.view.routes[0]?.targetPort === 40_029);
    await sleep(80);
    const last = link.received.at(-1)!;
    expect(last.view.version).toBe(31);
    expect(link.maxInFlight).toBe(1);
    expect(link.received.length).toBeLessThan(10);
    const versions = link.received.map((r) => r.view.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  });

  it("re-pushes when a Gate appears, but not when only another agent's route changed", async () => {
    link = await startLinkServer();
    await startHub(link.url);
    await until(() => link.received.length === 1);
    store.change((s) => void (s.routes[1]!.targetPort = 25600));
    runtime.notifyChanged();
    await runtime.idle();
    await sleep(50);
    expect(link.received).toHaveLength(1);

    await bus.announceGate(gate('gate-1'), 10_000);
    await until(() => link.received.length === 2);
    expect(link.received[1]?.view.gates).toEqual([
      { id: 'gate-1', tunnelAddr: 'gate-1.example.net:25590', tls: true, fingerprint: 'AA:BB' },
    ]);
    expect(link.received[1]?.view.version).toBe(2);
  });

  it('signs with the new token after a rotation and pushes a disabled view without gates', async () => {
    link = await startLinkServer();
    await startHub(link.url);
    await bus.announceGate(gate('gate-1'), 10_000);
    await until(() => link.received.at(-1)?.view.gates.length === 1);
    store.change((s) => {
      s.agents[0]!.token = 'push-token-rotated';
      s.agents[0]!.enabled = false;
    });
    runtime.notifyChanged();
    await until(() => link.received.at(-1)?.view.enabled === false);
    const last = link.received.at(-1)!;
    expect(last.view.gates).toEqual([]);
    expect(signedWith(last, 'push-token-rotated')).toBe(true);
    expect(signedWith(last, 'push-token-1')).toBe(false);
  });

  it('stops retrying an agent that was deleted or switched to redis mode', async () => {
    link = await startLinkServer({ failFirst: 1_000 });
    await startHub(link.url);
    await until(() => link.received.length >= 3);
    store.change((s) => void (s.agents[0]!.mode = 'redis'));
    runtime.notifyChanged();
    await runtime.idle();
    await sleep(20);
    const count = link.received.length;
    await sleep(150);
    expect(link.received.length).toBe(count);
  });

  it('counts an unreachable Link as failed and delivers at once when its push_url is fixed', async () => {
    const dead = await startLinkServer();
    await dead.close();
    link = await startLinkServer();
    // A long backoff: only the new address may make the next attempt come early.
    await startHub(dead.url, { backoff: { initialMs: 20_000, maxMs: 20_000, jitter: 0 } });
    await until(async () => /result="failed"\} 1$/m.test(await runtime.metrics.metrics()));
    store.change((s) => void (s.agents[0]!.pushUrl = link.url));
    runtime.notifyChanged();
    await until(() => link.received.length === 1, 1_000);
    expect(signedWith(link.received[0]!, 'push-token-1')).toBe(true);
    expect(logLines.filter((l) => l.includes('push to link failed'))).toHaveLength(1);
    expect(logLines.find((l) => l.includes('push to link failed'))).toContain('ECONNREFUSED');
  });

  it('gives up on an attempt the Link does not answer within the timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      await startHub(`http://127.0.0.1:${port}`, { timeoutMs: 50 });
      await until(async () => /result="failed"\} [2-9]/.test(await runtime.metrics.metrics()));
      expect(logLines.find((l) => l.includes('push to link failed'))).toContain(
        '"reason":"timeout"',
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('push request errors', () => {
  it('never repeats a push URL (it may carry credentials) in the failure reason', async () => {
    const view = { version: 1, agentId: 1, enabled: true, routes: [], gates: [] };
    const signal = new AbortController().signal;
    const withCredentials = await sendPush(
      { agentId: 1, url: 'http://user:hunter2@127.0.0.1:1/push', token: 't', view },
      500,
      signal,
    );
    expect(withCredentials).toEqual({ ok: false, reason: 'push URL must not carry credentials' });
    const badScheme = await sendPush(
      { agentId: 1, url: 'ftp://host/push', token: 't', view },
      500,
      signal,
    );
    expect(badScheme).toEqual({ ok: false, reason: 'push URL scheme must be http or https' });
    const garbage = await sendPush({ agentId: 1, url: 'not a url', token: 't', view }, 500, signal);
    expect(garbage).toEqual({ ok: false, reason: 'ERR_INVALID_URL' });
  });
});
