import { hostname } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { resolveGateConfig, type GateConfig, type ListenAddress } from '../gate/gate-config.js';
import { createGate } from '../gate/gate.js';
import { createLogger } from '../shared/logger.js';
import { createBus } from './create-bus.js';
import {
  dataDirOption,
  logLevelOption,
  redisCaOption,
  redisPrefixOption,
} from './shared-options.js';

/** Options `addGateOptions` defines, as commander hands them over. */
export interface GateCliOptions {
  id?: string;
  name?: string;
  region?: string;
  listen: ListenAddress;
  tunnelListen: ListenAddress;
  advertise?: string;
  publicAddress?: string;
  plainTunnels?: boolean;
  cert?: string;
  key?: string;
  metricsListen?: ListenAddress;
  proxyProtocolTrusted?: string[];
  handshakeTimeout?: number;
  maxHandshakeBytes?: number;
  maxHalfOpen?: number;
  maxHalfOpenPerAddress?: number;
  statusRate?: number;
  statusBurst?: number;
  loginRate?: number;
  loginBurst?: number;
  motdNoRoute?: string;
  motdOffline?: string;
  motdLegacy?: string;
  motdVersionName?: string;
  kickNoRoute?: string;
  kickOffline?: string;
  kickRateLimited?: string;
  /** Shared with the Hub in `gatelink all`; defined by the command itself. */
  dataDir?: string;
}

/** `host:port`, `[v6]:port` or `:port` (all interfaces). */
export function parseListen(value: string): ListenAddress {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]*):(\d+)$/.exec(value);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new InvalidArgumentError('expected host:port (IPv6 as [addr]:port)');
  }
  return { host: m[1] || '0.0.0.0', port };
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('expected a non-negative number');
  return n;
}

function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

// A bare boolean flag would turn on with any value of its variable, `GATE_PLAIN_TUNNELS=false` included.
function parseBool(value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off|)$/i.test(value)) return false;
  throw new InvalidArgumentError('expected yes or no');
}

/** A stable default id: the host name, reduced to the characters an id may carry. */
export function defaultGateId(host = hostname()): string {
  const cleaned = host
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 58);
  return `gate-${cleaned || 'local'}`;
}

/**
 * Add every Gate option (each also read from its environment variable) to a command. The options
 * a Gate shares with other parts (`--data-dir`, `--redis-url`, `--redis-prefix`, `--log-level`)
 * are left to the command, so `gatelink all` can define them once.
 */
export function addGateOptions(cmd: Command): Command {
  const opt = (flags: string, description: string, env: string) =>
    new Option(flags, description).env(env);
  return cmd
    .addOption(opt('--id <id>', 'stable Gate id (default: gate-<host name>)', 'GATE_ID'))
    .addOption(opt('--name <name>', 'display name (default: the id)', 'GATE_NAME'))
    .addOption(opt('--region <region>', 'region label shown with the Gate', 'GATE_REGION'))
    .addOption(
      opt('--listen <host:port>', 'player listener', 'GATE_LISTEN')
        .default(parseListen('0.0.0.0:25565'), '0.0.0.0:25565')
        .argParser(parseListen),
    )
    .addOption(
      opt('--tunnel-listen <host:port>', 'tunnel listener Links dial', 'GATE_TUNNEL_LISTEN')
        .default(parseListen('0.0.0.0:25590'), '0.0.0.0:25590')
        .argParser(parseListen),
    )
    .addOption(
      opt(
        '--advertise <host:port>',
        'tunnel address Links are told to dial (default: the tunnel listener)',
        'GATE_ADVERTISE',
      ),
    )
    .addOption(
      opt(
        '--public-address <host:port>',
        'address players use, shown in the Gate list',
        'GATE_PUBLIC_ADDRESS',
      ),
    )
    .addOption(
      opt(
        '--plain-tunnels [yes|no]',
        'tunnels without TLS: loopback tests and benchmarks only',
        'GATE_PLAIN_TUNNELS',
      ).argParser(parseBool),
    )
    .addOption(
      opt(
        '--cert <file>',
        'tunnel TLS certificate (PEM; default: generated once under the data dir)',
        'GATE_CERT',
      ),
    )
    .addOption(opt('--key <file>', 'tunnel TLS private key (PEM)', 'GATE_KEY'))
    .addOption(
      opt(
        '--metrics-listen <host:port>',
        'serve Prometheus /metrics here',
        'GATE_METRICS_LISTEN',
      ).argParser(parseListen),
    )
    .addOption(
      opt(
        '--proxy-protocol-trusted <cidrs>',
        'accept a PROXY v1/v2 header from these CIDRs (comma-separated)',
        'GATE_PROXY_PROTOCOL_TRUSTED',
      ).argParser(parseList),
    )
    .addOption(
      opt(
        '--handshake-timeout <ms>',
        'time a player has to send its handshake (default 5000)',
        'GATE_HANDSHAKE_TIMEOUT',
      ).argParser(parseCount),
    )
    .addOption(
      opt(
        '--max-handshake-bytes <n>',
        'largest handshake accepted (default 4096)',
        'GATE_MAX_HANDSHAKE_BYTES',
      ).argParser(parseCount),
    )
    .addOption(
      opt(
        '--max-half-open <n>',
        'connections allowed before their handshake completes (default 2048)',
        'GATE_MAX_HALF_OPEN',
      ).argParser(parseCount),
    )
    .addOption(
      opt(
        '--max-half-open-per-address <n>',
        'the same, per client address (default 32)',
        'GATE_MAX_HALF_OPEN_PER_ADDRESS',
      ).argParser(parseCount),
    )
    .addOption(
      opt(
        '--status-rate <n>',
        'server-list pings per second per address, 0 = unlimited (default 10)',
        'GATE_STATUS_RATE',
      ).argParser(parseCount),
    )
    .addOption(
      opt(
        '--status-burst <n>',
        'server-list ping burst per address (default 20)',
        'GATE_STATUS_BURST',
      ).argParser(parseCount),
    )
    .addOption(
      opt(
        '--login-rate <n>',
        'logins per second per address, 0 = unlimited (default 3)',
        'GATE_LOGIN_RATE',
      ).argParser(parseCount),
    )
    .addOption(
      opt(
        '--login-burst <n>',
        'login burst per address (default 10)',
        'GATE_LOGIN_BURST',
      ).argParser(parseCount),
    )
    .addOption(
      opt('--motd-no-route <text>', 'MOTD for an address no route serves', 'GATE_MOTD_NO_ROUTE'),
    )
    .addOption(
      opt(
        '--motd-offline <text>',
        'MOTD when the server or its Link is offline',
        'GATE_MOTD_OFFLINE',
      ),
    )
    .addOption(opt('--motd-legacy <text>', 'MOTD answering pre-1.7 clients', 'GATE_MOTD_LEGACY'))
    .addOption(
      opt(
        '--motd-version-name <text>',
        'version name shown beside the Gate’s own MOTDs',
        'GATE_MOTD_VERSION_NAME',
      ),
    )
    .addOption(
      opt(
        '--kick-no-route <text>',
        'login disconnect for an address no route serves',
        'GATE_KICK_NO_ROUTE',
      ),
    )
    .addOption(
      opt(
        '--kick-offline <text>',
        'login disconnect when the server or its Link is offline',
        'GATE_KICK_OFFLINE',
      ),
    )
    .addOption(
      opt(
        '--kick-rate-limited <text>',
        'login disconnect for an address over its rate limit',
        'GATE_KICK_RATE_LIMITED',
      ),
    );
}

/** Map parsed options to a checked, frozen GateConfig (throws GATE_ERR_BAD_CONFIG). */
export function gateConfigFromOptions(o: GateCliOptions): GateConfig {
  const rate = (
    perSecond: number | undefined,
    burst: number | undefined,
    defaults: { perSecond: number; burst: number },
  ) =>
    perSecond === undefined && burst === undefined
      ? undefined
      : { perSecond: perSecond ?? defaults.perSecond, burst: burst ?? defaults.burst };
  const statusRate = rate(o.statusRate, o.statusBurst, { perSecond: 10, burst: 20 });
  const loginRate = rate(o.loginRate, o.loginBurst, { perSecond: 3, burst: 10 });
  const texts = Object.fromEntries(
    Object.entries({
      motdNoRoute: o.motdNoRoute,
      motdOffline: o.motdOffline,
      motdLegacy: o.motdLegacy,
      versionName: o.motdVersionName,
      kickNoRoute: o.kickNoRoute,
      kickOffline: o.kickOffline,
      kickRateLimited: o.kickRateLimited,
    }).filter(([, v]) => v !== undefined),
  );
  const id = o.id ?? defaultGateId();
  return resolveGateConfig({
    id,
    name: o.name ?? id,
    region: o.region ?? '',
    listen: o.listen,
    tunnelListen: o.tunnelListen,
    advertise: o.advertise,
    publicAddress: o.publicAddress,
    tunnelTls: !o.plainTunnels,
    certFile: o.cert,
    keyFile: o.key,
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    metricsListen: o.metricsListen,
    proxyProtocolTrusted: o.proxyProtocolTrusted ?? [],
    ...(o.handshakeTimeout !== undefined ? { handshakeTimeoutMs: o.handshakeTimeout } : {}),
    ...(o.maxHandshakeBytes !== undefined ? { maxHandshakeBytes: o.maxHandshakeBytes } : {}),
    ...(o.maxHalfOpen !== undefined ? { maxHalfOpen: o.maxHalfOpen } : {}),
    ...(o.maxHalfOpenPerAddress !== undefined
      ? { maxHalfOpenPerAddress: o.maxHalfOpenPerAddress }
      : {}),
    ...(statusRate ? { statusRate } : {}),
    ...(loginRate ? { loginRate } : {}),
    texts,
  });
}

interface GateCommandOptions extends GateCliOptions {
  redisUrl?: string;
  redisPrefix?: string;
  redisCa?: string;
  logLevel: string;
}

function fail(err: unknown): never {
  process.stderr.write(`gate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

async function runGate(o: GateCommandOptions): Promise<void> {
  if (!o.redisUrl) {
    fail(
      'a standalone Gate needs --redis-url (REDIS_URL) to follow the Hub; `gatelink all` runs one in-process',
    );
  }
  let config: GateConfig;
  try {
    config = gateConfigFromOptions(o);
  } catch (err) {
    fail(err);
  }
  const log = createLogger({ level: o.logLevel, name: 'gate' });
  const bus = await createBus({
    redisUrl: o.redisUrl,
    prefix: o.redisPrefix,
    redisCaFile: o.redisCa,
    role: 'gate',
    log,
  });
  const gate = createGate({ config, log, bus });
  const ports = await gate.start().catch(async (err: unknown) => {
    await bus.close().catch(() => {});
    return fail(err);
  });
  log.info({ id: config.id, ...ports, tls: config.tunnelTls }, 'gate listening');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'gate stopping');
    try {
      await gate.close();
      await bus.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** `gatelink gate`: a standalone Gate following the Hub through Redis. */
export function registerGateCommand(program: Command): void {
  const cmd = program
    .command('gate')
    .description(
      'Run a Gate: accepts players, relays them through Link tunnels (needs the Redis bus)',
    );
  addGateOptions(cmd)
    .addOption(dataDirOption('where the generated tunnel key pair is kept'))
    .addOption(
      new Option('--redis-url <url>', 'Redis the Hub publishes to (required)').env('REDIS_URL'),
    )
    .addOption(redisPrefixOption())
    .addOption(redisCaOption())
    .addOption(logLevelOption())
    .action((o: GateCommandOptions) => runGate(o));
}
