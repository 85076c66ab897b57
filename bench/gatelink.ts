import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRedisBus } from '../src/bus/redis-bus.js';
import { silentLogger } from '../src/shared/logger.js';
import { closeSocket, openSession } from './client.js';
import { benchSnapshot, runConfigPlane } from './config-plane.js';
import { BENCH_DOMAIN, type BenchPath } from './paths.js';
import { freePort, spawnChild, waitForPort, type BenchChild } from './processes.js';

/**
 * Node flags of a Gate and a Link as deploy/ runs them (systemd units, compose, Kubernetes):
 * a 1 MB young generation, see docs/operations.md.
 */
const PROXY_NODE_FLAGS = ['--max-semi-space-size=1'];

/** How to start one Gatelink path (a Gate and a Link, each its own process). */
export interface GatelinkOptions {
  readonly key: 'gatelink' | 'gatelink-tls';
  readonly tls: boolean;
  readonly backendPort: number;
  /** Scratch directory for this path (data dirs, logs). */
  readonly work: string;
  readonly root: string;
  /** The CLI entry to run: compiled JavaScript, or the TypeScript source (run through tsx). */
  readonly entry: string;
  /** Extra command-line arguments (tuning experiments). */
  readonly gateArgs: readonly string[];
  readonly linkArgs: readonly string[];
  readonly cpuProfDir: string | undefined;
  readonly log: (line: string) => void;
}

/**
 * Start one Gatelink path the way an operator runs it, with the real command line: a private
 * `redis-server` as the bus, `gatelink gate` and `gatelink link` (redis mode) as separate
 * processes, and the bench publishing the config (one agent, one route) as the Hub would.
 * Resolves once a player connection reaches the backend through it.
 */
export async function startGatelink(options: GatelinkOptions): Promise<BenchPath> {
  const { key, tls, backendPort, work, entry, cpuProfDir } = options;
  for (const file of ['src/gate/gate.ts', 'src/link/link.ts', 'src/gate/tunnel-server.ts']) {
    if (!existsSync(join(options.root, file))) throw new Error(`${file} does not exist yet`);
  }
  mkdirSync(work, { recursive: true });
  const children: BenchChild[] = [];
  let stopConfigPlane: (() => void) | undefined;
  let bus: Awaited<ReturnType<typeof createRedisBus>> | undefined;
  const stop = async (): Promise<void> => {
    // Link first so the Gate does not count a lost session as a failure; then the Gate, the bus.
    for (const child of [...children].reverse()) await child.stop();
    stopConfigPlane?.();
    await bus?.close().catch(() => undefined);
  };
  try {
    const redisPort = await freePort();
    children.push(
      spawnChild({
        name: `${key}-redis`,
        command: 'redis-server',
        args: ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        logFile: join(work, 'redis.log'),
      }),
    );
    await waitForPort(redisPort);
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    bus = await createRedisBus({ url: redisUrl, prefix: 'gatelink:', log: silentLogger() });
    const token = randomBytes(24).toString('base64url');
    stopConfigPlane = await runConfigPlane(bus, benchSnapshot(token, backendPort));

    const node = (name: string): string[] => [
      ...PROXY_NODE_FLAGS,
      ...(entry.endsWith('.ts') ? ['--import', 'tsx'] : []),
      ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=${key}-${name}.cpuprofile`] : []),
      entry,
    ];
    const gate = spawnChild({
      name: `${key}-gate`,
      command: process.execPath,
      args: [
        ...node('gate'),
        'gate',
        '--id', `bench-${key}`,
        '--listen', '127.0.0.1:0',
        '--tunnel-listen', '127.0.0.1:0',
        ...(tls ? [] : ['--plain-tunnels']),
        '--data-dir', join(work, 'gate-data'),
        '--redis-url', redisUrl,
        // Every bench player comes from 127.0.0.1: per-address limits would throttle the load itself.
        '--login-rate', '0',
        '--status-rate', '0',
        '--max-half-open', '20000',
        '--max-half-open-per-address', '20000',
        ...options.gateArgs,
      ],
      logFile: join(work, 'gate.log'),
      cwd: options.root,
    });
    children.push(gate);
    const listening = JSON.parse(await gate.waitForLine(/"gate listening"/, 60_000)) as { playerPort: number };
    const link = spawnChild({
      name: `${key}-link`,
      command: process.execPath,
      args: [...node('link'), 'link', '--redis', redisUrl, '--id', `bench-${key}-link`, ...options.linkArgs],
      env: { LINK_TOKEN: token },
      logFile: join(work, 'link.log'),
      cwd: options.root,
    });
    children.push(link);
    await link.waitForLine(/"gate session ready"/, 60_000);
    const target = { port: listening.playerPort, domain: BENCH_DOMAIN };
    await probe(target);
    return { key, target, front: gate, back: link, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One player connection through the path, end to end, retried for a few seconds. */
async function probe(target: { port: number; domain: string }): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const { socket } = await openSession(target, 'H', 0, 3000);
      await closeSocket(socket);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no player got through: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
