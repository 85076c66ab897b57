import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { changePassword, generateApiToken } from '../hub/admin-commands.js';
import { resolveHubConfig } from '../hub/config.js';
import { createHub, type Hub } from '../hub/hub.js';
import type { Bus } from '../bus/bus.js';
import type { Logger } from '../shared/logger.js';
import { GatelinkError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { createBus } from './create-bus.js';
import {
  dataDirOption,
  logLevelOption,
  redisCaOption,
  redisPrefixOption,
} from './shared-options.js';

/** Options `addHubOptions` defines, as commander hands them over. */
export interface HubOptions {
  host: string;
  port: number;
  databaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  redisPrefix?: string;
  redisCa?: string;
  adminPassword?: string;
  jwtSecret?: string;
  webRoot?: string;
  trustProxy?: string;
  logLevel: string;
  genToken?: string;
  changePassword?: string;
}

/** The dashboard build shipped with the package, when it was built. */
function defaultWebRoot(): string | undefined {
  const dir = fileURLToPath(new URL('../../web/dist', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('expected a port 0-65535');
  return port;
}

/** The one-time notice with the generated admin password. */
function adminMessage(password: string): string {
  return (
    `\n  Created the Hub user "hub_admin" with the password:\n\n      ${password}\n\n` +
    `  It is shown only this once. Change it with: ./hub -change-password "hub_admin:<new password>"\n\n`
  );
}

/** Print a command-line failure without a stack and exit non-zero. */
function fail(err: unknown): never {
  const message = err instanceof GatelinkError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`hub: ${message}\n`);
  process.exit(1);
}

/** Start a Hub on `bus` from parsed options; prints the first-start admin password once. */
export async function startHub(o: HubOptions, log: Logger, bus: Bus): Promise<Hub> {
  const config = resolveHubConfig({
    host: o.host,
    port: o.port,
    databaseUrl: o.databaseUrl,
    dataDir: o.dataDir,
    adminPassword: o.adminPassword,
    jwtSecret: o.jwtSecret,
    webRoot: o.webRoot ?? defaultWebRoot(),
    trustProxy: (o.trustProxy ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  });
  const hub = await createHub({
    config,
    log,
    bus,
    // Straight to stdout, once: the logger must never carry a password.
    onAdminCreated: (password) => process.stdout.write(adminMessage(password)),
  });
  const { host, port } = await hub.listen();
  const shown = host.includes(':') ? `[${host}]` : host;
  log.info({ url: `http://${shown}:${port}`, port }, 'hub listening');
  return hub;
}

/** Close `parts` in order on SIGTERM/SIGINT, then exit. */
export function closeOnSignals(
  log: Logger,
  parts: ReadonlyArray<{ close(): Promise<void> }>,
): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'stopping');
    try {
      for (const part of parts) await part.close().catch(() => {});
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

async function runHub(o: HubOptions): Promise<void> {
  const log = createLogger({ level: o.logLevel, name: 'hub' });
  const bus = await createBus({
    redisUrl: o.redisUrl,
    prefix: o.redisPrefix,
    redisCaFile: o.redisCa,
    role: 'hub',
    log,
  });
  const hub = await startHub(o, log, bus);
  closeOnSignals(log, [hub, bus]);
}

/**
 * Add every Hub option (each also read from its environment variable) to a command, including
 * the ones a Hub shares with an in-process Gate (`--data-dir`, `--redis-url`, `--redis-prefix`,
 * `--log-level`), so `gatelink all` defines them once.
 */
export function addHubOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--host <host>', 'address the API listens on')
        .env('HUB_HOST')
        .default('127.0.0.1'),
    )
    .addOption(
      new Option('--port <port>', 'API port').env('HUB_PORT').default(8080).argParser(parsePort),
    )
    .addOption(
      new Option(
        '--database-url <url>',
        'sqlite:<file>, sqlite::memory: or postgres://… (default sqlite:<data-dir>/hub.db)',
      ).env('DATABASE_URL'),
    )
    .addOption(dataDirOption('directory for the SQLite file'))
    .addOption(
      new Option('--redis-url <url>', 'use the Redis bus (separate Gates and Links)').env(
        'REDIS_URL',
      ),
    )
    .addOption(redisPrefixOption())
    .addOption(redisCaOption())
    .addOption(
      new Option(
        '--admin-password <password>',
        'password for hub_admin when the first start creates it',
      ).env('HUB_ADMIN_PASSWORD'),
    )
    .addOption(
      new Option(
        '--jwt-secret <secret>',
        'token signing secret (default: generated, kept in the database)',
      ).env('HUB_JWT_SECRET'),
    )
    .addOption(
      new Option(
        '--web-root <dir>',
        'dashboard build to serve at / (default: the bundled web/dist)',
      ).env('HUB_WEB_ROOT'),
    )
    .addOption(
      new Option(
        '--trust-proxy <cidrs>',
        'reverse proxies whose X-Forwarded-For names the client (comma-separated addresses or CIDRs)',
      ).env('HUB_TRUST_PROXY'),
    )
    .addOption(logLevelOption());
}

/** `gatelink hub`: the control plane, and the `-gen-token` / `-change-password` maintenance commands. */
export function registerHubCommand(program: Command): void {
  addHubOptions(
    program
      .command('hub')
      .description(
        'Run the Hub: REST API, dashboard and database (or a maintenance command and exit)',
      ),
  )
    .addOption(new Option('--gen-token <user>', 'print a one-year API token for <user> and exit'))
    .addOption(
      new Option('--change-password <user:password>', 'set the password of <user> and exit'),
    )
    .action(async (o: HubOptions) => {
      const db = {
        databaseUrl: o.databaseUrl,
        dataDir: o.dataDir,
        jwtSecret: o.jwtSecret,
        adminPassword: o.adminPassword,
        // stdout carries only the token, so scripts can capture it.
        onAdminCreated: (password: string) => process.stderr.write(adminMessage(password)),
      };
      if (o.genToken !== undefined && o.changePassword !== undefined)
        fail('use -gen-token or -change-password, not both');
      if (o.genToken !== undefined) {
        const token = await generateApiToken({ ...db, username: o.genToken }).catch(fail);
        process.stdout.write(`${token}\n`);
        return;
      }
      if (o.changePassword !== undefined) {
        const user = await changePassword({ ...db, spec: o.changePassword }).catch(fail);
        process.stdout.write(
          `Password of "${user}" changed; its earlier sessions are signed out.\n`,
        );
        return;
      }
      await runHub(o).catch(fail);
    });
}
