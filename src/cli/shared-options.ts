import { Option } from 'commander';

/** `--redis-prefix` (REDIS_PREFIX): the same on every part of one network. */
export function redisPrefixOption(): Option {
  return new Option('--redis-prefix <prefix>', 'Redis key prefix (default gatelink:)').env(
    'REDIS_PREFIX',
  );
}

/** `--redis-ca` (REDIS_CA_FILE): a private CA for `rediss://`. */
export function redisCaOption(): Option {
  return new Option(
    '--redis-ca <file>',
    'PEM of a private CA that signed the Redis certificate (rediss://)',
  ).env('REDIS_CA_FILE');
}

/** `--log-level` (LOG_LEVEL), default `info`. */
export function logLevelOption(): Option {
  return new Option('--log-level <level>', 'trace|debug|info|warn|error')
    .env('LOG_LEVEL')
    .default('info');
}

/** `--data-dir` (DATA_DIR), default `./data`; `what` says what the part keeps there. */
export function dataDirOption(what: string): Option {
  return new Option('--data-dir <dir>', what).env('DATA_DIR').default('./data');
}
