/**
 * A multi-host Gatelink network on one machine: Hub, Gates and Links as separate processes
 * sharing a Redis under a prefix of the test's own, each started the way an operator would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubApi } from '../support/hub-api.js';
import { PartProcess, killAllParts } from './part-process.js';
import { dropPrefix } from './redis-prefix.js';

/** The admin password every test Hub starts with. */
export const ADMIN_PASSWORD = 'failure-suite-password';

/** Redis the suites share (never restarted or flushed by them). */
export const SHARED_REDIS_URL = process.env['REDIS_URL_TEST'] ?? 'redis://127.0.0.1:6379';

/** A unique prefix per file and run, so nothing collides on the shared Redis. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${process.pid}-${Date.now().toString(36)}:`;
}

/** A started Hub process and an API client logged in as hub_admin. */
export interface HubPart {
  readonly proc: PartProcess;
  readonly url: string;
  readonly port: number;
  readonly api: HubApi;
}

/** Ports and identity of a started Gate, enough to restart it in place. */
export interface GatePart {
  readonly proc: PartProcess;
  readonly id: string;
  readonly playerPort: number;
  readonly tunnelPort: number;
  readonly dataDir: string;
}

/** Where a network's parts keep their files; removed by `close()`. */
export class Cluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'gatelink-cluster-'));
  readonly #extraGateArgs: readonly string[];

  constructor(
    readonly redisUrl: string,
    readonly prefix: string,
    { gateArgs = [] as readonly string[] } = {},
  ) {
    this.#extraGateArgs = gateArgs;
  }

  /** A cluster on the shared Redis under a fresh prefix named after the suite. */
  static forSuite(name: string, options?: { gateArgs?: readonly string[] }): Cluster {
    return new Cluster(SHARED_REDIS_URL, uniquePrefix(name), options);
  }

  /** Start a Hub on SQLite in this cluster's directory (same file on every restart); port 0 unless given. */
  async startHub({
    port = 0,
    redisUrl = this.redisUrl,
  }: { port?: number; redisUrl?: string } = {}): Promise<HubPart> {
    const proc = PartProcess.start(
      'hub',
      [
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--data-dir',
        join(this.dir, 'hub'),
        '--database-url',
        `sqlite:${join(this.dir, 'hub.db')}`,
        '--redis-url',
        redisUrl,
        '--redis-prefix',
        this.prefix,
      ],
      { HUB_ADMIN_PASSWORD: ADMIN_PASSWORD },
    );
    const line = await proc.waitForLog('hub listening', { timeoutMs: 30_000 });
    const url = String(line['url']);
    const api = await HubApi.login(url, 'hub_admin', ADMIN_PASSWORD);
    return { proc, url, port: Number(line['port']), api };
  }

  /**
   * Start (or restart, with the same `id`, ports and data directory) a Gate with plain
   * tunnels and rate limits out of the way of the probes.
   */
  async startGate(
    id: string,
    {
      playerPort = 0,
      tunnelPort = 0,
      redisUrl = this.redisUrl,
      args = [] as readonly string[],
    } = {},
  ): Promise<GatePart> {
    const dataDir = join(this.dir, id);
    const proc = PartProcess.start('gate', [
      '--id',
      id,
      '--listen',
      `127.0.0.1:${playerPort}`,
      '--tunnel-listen',
      `127.0.0.1:${tunnelPort}`,
      '--data-dir',
      dataDir,
      '--redis-url',
      redisUrl,
      '--redis-prefix',
      this.prefix,
      '--plain-tunnels',
      'yes',
      '--status-rate',
      '100000',
      '--status-burst',
      '100000',
      '--login-rate',
      '100000',
      '--login-burst',
      '100000',
      ...this.#extraGateArgs,
      ...args,
    ]);
    const line = await proc.waitForLog('gate listening', { timeoutMs: 30_000 });
    return {
      proc,
      id,
      playerPort: Number(line['playerPort']),
      tunnelPort: Number(line['tunnelPort']),
      dataDir,
    };
  }

  /** Restart a Gate that exited, in place. */
  restartGate(gate: GatePart, opts: { redisUrl?: string } = {}): Promise<GatePart> {
    return this.startGate(gate.id, {
      playerPort: gate.playerPort,
      tunnelPort: gate.tunnelPort,
      ...opts,
    });
  }

  /** Start a redis-mode Link for `token`. */
  startRedisLink(token: string, id: string, { redisUrl = this.redisUrl } = {}): PartProcess {
    return PartProcess.start('link', [
      '--token',
      token,
      '--redis',
      redisUrl,
      '--redis-prefix',
      this.prefix,
      '--id',
      id,
    ]);
  }

  /** Start a push-mode Link for `token` listening on `port`. */
  startPushLink(token: string, id: string, port: number): PartProcess {
    return PartProcess.start('link', [
      '--token',
      token,
      '--listen',
      `127.0.0.1:${port}`,
      '--id',
      id,
    ]);
  }

  /** Kill every process and remove the files. */
  async close(): Promise<void> {
    await killAllParts();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** `close()`, then delete every key the network wrote under its prefix. */
  async dispose(): Promise<void> {
    await this.close();
    await dropPrefix(this.redisUrl, this.prefix);
  }
}
