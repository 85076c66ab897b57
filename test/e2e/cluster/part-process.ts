/** One Gatelink part (`hub`, `gate`, `link`) run as a real child process, watched through its JSON log lines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: children run the TypeScript CLI from it. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A parsed log line (pino JSON); `msg` is the message, the rest its fields. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number; time?: number };

/** Every child any harness started, so a failed suite still leaves none behind. */
const live = new Set<PartProcess>();

process.once('exit', () => {
  for (const part of live) part.child.kill('SIGKILL');
});

/** Kill every child still running (afterAll of each file, whatever happened). */
export async function killAllParts(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill('SIGKILL')));
}

/** A running `gatelink <kind> …` process. */
export class PartProcess {
  readonly lines: LogLine[] = [];
  /** Raw standard output and error, for failure messages. */
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly #waiters = new Set<() => void>();

  private constructor(
    readonly kind: string,
    readonly child: ChildProcess,
  ) {
    live.add(this);
    let pending = '';
    const onOut = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.output = (this.output + text).slice(-200_000);
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          this.lines.push(JSON.parse(line) as LogLine);
        } catch {
          // Not a log line (a notice printed straight to stdout).
        }
      }
      for (const wake of this.#waiters) wake();
    };
    child.stdout?.on('data', onOut);
    child.stderr?.on('data', onOut);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        live.delete(this);
        for (const wake of this.#waiters) wake();
        resolve({ code, signal });
      }),
    );
  }

  /**
   * Start `gatelink <kind> <args…>` with `env` added to this process's environment: the
   * TypeScript source through tsx, or the compiled `main.js` named by E2E_GATELINK_MAIN.
   */
  static start(
    kind: string,
    args: readonly string[],
    env: Record<string, string> = {},
  ): PartProcess {
    const compiled = process.env['E2E_GATELINK_MAIN'];
    const child = spawn(
      process.execPath,
      [...(compiled ? [compiled] : ['--import', 'tsx', 'src/cli/main.ts']), kind, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new PartProcess(kind, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Exit status once it exited, else null. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | null {
    return this.#exit;
  }

  /** Lines whose message matches `msg` (and whose fields include `fields`), from index `from`. */
  find(msg: string | RegExp, fields: Record<string, unknown> = {}, from = 0): LogLine[] {
    return this.lines.slice(from).filter((l) => {
      const m = typeof l.msg === 'string' ? l.msg : '';
      if (typeof msg === 'string' ? m !== msg : !msg.test(m)) return false;
      return Object.entries(fields).every(([k, v]) => l[k] === v);
    });
  }

  /**
   * The first line from index `from` on whose message matches, as soon as it is written; fails
   * after `timeoutMs` or when the process exits first, quoting the end of its output.
   */
  waitForLog(
    msg: string | RegExp,
    {
      fields = {},
      from = 0,
      timeoutMs = 15_000,
    }: { fields?: Record<string, unknown>; from?: number; timeoutMs?: number } = {},
  ): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.find(msg, fields, from)[0];
        if (hit) return done(() => resolve(hit));
        if (this.#exit) {
          return done(() =>
            reject(
              new Error(
                `${this.kind} exited (${JSON.stringify(this.#exit)}) before logging ${String(msg)}:\n${this.output.slice(-3000)}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              new Error(
                `${this.kind} did not log ${String(msg)} within ${timeoutMs} ms:\n${this.output.slice(-3000)}`,
              ),
            ),
          ),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        settle();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Send `signal` (SIGSTOP/SIGCONT pause and resume the process). */
  signal(signal: NodeJS.Signals): void {
    if (!this.#exit) this.child.kill(signal);
  }

  /** Send `signal` and wait for the exit (a stopped process is continued so it can act on it). */
  async kill(
    signal: NodeJS.Signals = 'SIGTERM',
    timeoutMs = 10_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.#exit) return this.#exit;
    this.child.kill(signal);
    if (signal !== 'SIGKILL') this.child.kill('SIGCONT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resident set size in bytes (Linux), or NaN once it exited. */
  rss(): number {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : Number.NaN;
    } catch {
      return Number.NaN;
    }
  }
}
