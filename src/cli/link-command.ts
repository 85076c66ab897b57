import { Command, InvalidArgumentError, Option } from 'commander';
import { createLink } from '../link/link.js';
import { linkConfig, type LinkConfig } from '../link/link-config.js';
import type { ViewSource } from '../link/view-source.js';
import { createLogger } from '../shared/logger.js';
import { createBus } from './create-bus.js';
import { logLevelOption, redisCaOption, redisPrefixOption } from './shared-options.js';

interface LinkCommandOptions {
  token?: string;
  listen?: { host: string; port: number };
  redis?: string;
  redisPrefix?: string;
  redisCa?: string;
  id?: string;
  poolSize?: number;
  logLevel: string;
}

/** `host:port`, `[v6]:port` or `:port` (all interfaces). */
function parseListen(value: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]*):(\d+)$/.exec(value);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new InvalidArgumentError('expected host:port (IPv6 as [addr]:port)');
  }
  return { host: m[1] || '0.0.0.0', port };
}

function parsePoolSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new InvalidArgumentError('expected an integer from 1 to 64');
  return n;
}

function fail(message: string): never {
  process.stderr.write(`link: ${message}\n`);
  process.exit(1);
}

/**
 * Push or redis mode. A flag given on the command line wins over the other mode's environment
 * variable (REDIS_URL is often set for every service of a deployment); two explicit ones clash.
 */
function chooseMode(o: LinkCommandOptions, sourceOf: (key: string) => string | undefined) {
  if (o.listen && o.redis) {
    const listenFromCli = sourceOf('listen') === 'cli';
    const redisFromCli = sourceOf('redis') === 'cli';
    if (listenFromCli && !redisFromCli) return 'push';
    if (redisFromCli && !listenFromCli) return 'redis';
    return null;
  }
  return o.listen ? 'push' : o.redis ? 'redis' : null;
}

async function runLink(o: LinkCommandOptions, cmd: Command): Promise<void> {
  if (!o.token) fail('--token (LINK_TOKEN) is required: the agent token shown by the Hub');
  const mode = chooseMode(o, (key) => cmd.getOptionValueSource(key));
  if (!mode) {
    fail('choose exactly one mode: --listen <host:port> (push) or --redis <url> (redis)');
  }
  let config: LinkConfig;
  try {
    config = linkConfig({
      token: o.token,
      ...(o.id ? { linkId: o.id } : {}),
      ...(o.poolSize ? { poolSize: o.poolSize } : {}),
    });
  } catch (err) {
    fail((err as Error).message);
  }
  const log = createLogger({ level: o.logLevel, name: 'link' });
  const bus =
    mode === 'redis'
      ? await createBus({
          redisUrl: o.redis,
          prefix: o.redisPrefix,
          redisCaFile: o.redisCa,
          role: 'link',
          log,
        })
      : null;
  // Each mode loads only its own view source: push mode's HTTP server costs a redis-mode Link
  // about 2 MB of memory for nothing.
  const views: ViewSource = bus
    ? (await import('../link/bus-follower.js')).createBusFollower({ bus, token: config.token, log })
    : (await import('../link/push-listener.js')).createPushListener({
        token: config.token,
        host: o.listen!.host,
        port: o.listen!.port,
        log,
      });
  const link = createLink({ config, log, views });
  try {
    await link.start();
  } catch (err) {
    await bus?.close().catch(() => {});
    fail((err as Error).message);
  }
  log.info(
    { linkId: config.linkId, mode, ...(mode === 'push' ? { listen: o.listen } : {}) },
    'link started',
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'link stopping');
    try {
      await link.close();
      await bus?.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** `gatelink link`: the agent next to the game servers, dialing out to every Gate. */
export function registerLinkCommand(program: Command): void {
  const opt = (flags: string, description: string, env: string) =>
    new Option(flags, description).env(env);
  program
    .command('link')
    .description(
      'Run a Link: keeps tunnels to the Gates and relays players to the servers of its routes',
    )
    .addOption(opt('--token <token>', 'agent token from the Hub (required)', 'LINK_TOKEN'))
    .addOption(
      opt(
        '--listen <host:port>',
        'push mode: receive the view from the Hub here',
        'LINK_LISTEN',
      ).argParser(parseListen),
    )
    .addOption(opt('--redis <url>', 'redis mode: follow the view in this Redis', 'REDIS_URL'))
    .addOption(redisPrefixOption())
    .addOption(redisCaOption())
    .addOption(
      opt('--id <id>', 'name of this Link among the agent’s Links (default: host name)', 'LINK_ID'),
    )
    .addOption(
      opt(
        '--pool-size <n>',
        'idle data channels per Gate (default: what the Gate asks)',
        'LINK_POOL_SIZE',
      ).argParser(parsePoolSize),
    )
    .addOption(logLevelOption())
    .action((o: LinkCommandOptions, cmd: Command) => runLink(o, cmd));
}
