import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTwoHopChain, type TwoHopChain } from './paths.js';
import { spawnChild, waitForPort } from './processes.js';

/** True when `haproxy` runs; tries `apt-get install -y haproxy` once when it does not. */
export function ensureHaproxy(log: (line: string) => void): boolean {
  const found = (): boolean => spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
  if (found()) return true;
  log('haproxy is not installed: installing it with apt-get (the HAProxy column needs it)…');
  try {
    execFileSync('apt-get', ['install', '-y', 'haproxy'], { stdio: 'ignore', timeout: 180_000 });
  } catch (error) {
    log(`could not install haproxy (${(error as Error).message.split('\n')[0]}): the HAProxy column is skipped`);
    return false;
  }
  return found();
}

/** The haproxy version line, for the report. */
export function haproxyVersion(): string {
  const out = spawnSync('haproxy', ['-v'], { encoding: 'utf8' }).stdout ?? '';
  return /HAProxy version (\S+)/.exec(out)?.[1] ?? 'unknown';
}

// TCP mode, Debian's defaults otherwise (threads = cores); maxconn sized for the idle test.
function config(listenPort: number, serverPort: number): string {
  return [
    'global',
    '  maxconn 9500',
    '',
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 10m',
    '  timeout server 10m',
    '',
    'listen relay',
    `  bind 127.0.0.1:${listenPort}`,
    '  maxconn 9500',
    `  server next 127.0.0.1:${serverPort}`,
    '',
  ].join('\n');
}

/** Two haproxy processes in a row; resolves once both accept connections. */
export function startHaproxyChain(dir: string, backendPort: number): Promise<TwoHopChain> {
  return startTwoHopChain(backendPort, async (hop, listen, next) => {
    const name = `haproxy-${hop}`;
    const file = join(dir, `${name}.cfg`);
    writeFileSync(file, config(listen, next));
    const child = spawnChild({ name, command: 'haproxy', args: ['-db', '-f', file], logFile: join(dir, `${name}.log`) });
    await waitForPort(listen);
    return child;
  });
}
