/** The real `gatelink` command line, run as child processes from the TypeScript source. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One JSON log line a child printed. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** A running `gatelink <command>` child. */
export interface GatelinkProcess {
  readonly child: ChildProcess;
  /** JSON log lines printed on stdout so far. */
  readonly lines: LogLine[];
  /** Everything printed, stdout and stderr, for failure messages. */
  output(): string;
  /** Wait for a log line matching `match`; fails early if the process exits. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Start `node --import tsx src/cli/main.ts <args>` with `env` added to this process's environment. */
export function spawnGatelink(args: string[], env: Record<string, string> = {}): GatelinkProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let out = '';
  let pending = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of [...listeners]) l();
  };
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    pending += d.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as LogLine);
      } catch {
        // Not a log line (the one-time admin notice): kept in the output only.
      }
    }
    notify();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      notify();
      resolve(code);
    }),
  );

  return {
    child,
    lines,
    output: () => out,
    waitForLine(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find(match);
          if (hit) return done(() => resolve(hit));
          if (child.exitCode !== null || child.signalCode !== null) {
            return done(() =>
              reject(
                new Error(
                  `gatelink ${args[0]} exited (${child.exitCode ?? child.signalCode}):\n${out}`,
                ),
              ),
            );
          }
        };
        const timer = setTimeout(
          () =>
            done(() =>
              reject(
                new Error(`gatelink ${args[0]}: no matching log line in ${timeoutMs} ms:\n${out}`),
              ),
            ),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
