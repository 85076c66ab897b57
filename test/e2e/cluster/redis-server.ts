/** A private `redis-server` child on its own port, so a test may kill and restart it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, waitFor } from './wait.js';

/** Servers still running, killed if the test process ends without its cleanup. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A Redis of the test's own; restarts come back empty on the same port. */
export class OwnRedis {
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();

  private constructor(readonly port: number) {}

  /** Start one on a free loopback port. */
  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.restart();
    return redis;
  }

  /** `redis://127.0.0.1:<port>`, optionally as `user:password`. */
  url(user?: string, password?: string): string {
    const auth = user ? `${encodeURIComponent(user)}:${encodeURIComponent(password ?? '')}@` : '';
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  /** (Re)start the server, empty, on the same port; resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.#child) throw new Error('redis-server is already running');
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.#child = child;
    running.add(child);
    this.#exited = new Promise((resolve) =>
      child.once('exit', () => {
        running.delete(child);
        resolve();
      }),
    );
    void this.#exited.then(() => {
      if (this.#child === child) this.#child = null;
    });
    await waitFor(
      async () => {
        const client = this.client({ lazyConnect: true });
        try {
          await client.connect();
          return (await client.ping()) === 'PONG';
        } finally {
          client.disconnect();
        }
      },
      { timeoutMs: 10_000, intervalMs: 50, what: `redis-server on port ${this.port}` },
    );
  }

  /** Kill it (SIGKILL: nothing is saved, clients see the connection drop). */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.#exited;
    this.#child = null;
  }

  /** A plain admin client (the default user); the caller disconnects it. */
  client(options: { lazyConnect?: boolean } = {}): Redis {
    const client = new Redis({
      host: '127.0.0.1',
      port: this.port,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      ...options,
    });
    // Failures surface through the commands; the event would only be noise.
    client.on('error', () => {});
    return client;
  }
}
