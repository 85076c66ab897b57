import { isIP } from 'node:net';
import { join } from 'node:path';
import { HubErrors } from './errors.js';

/** Failed-login throttling: after `maxFailures` failures inside `windowMs`, logins answer 429. */
export interface LoginLimits {
  /** Failed attempts allowed per address and per username inside the window; default 10. */
  readonly maxFailures: number;
  /** Length of the window and of the lock-out, in ms; default 15 minutes. */
  readonly windowMs: number;
}

/** Everything the Hub needs to start. Build it with `resolveHubConfig`; it is frozen. */
export interface HubConfig {
  /** Address the API listens on; default `127.0.0.1`. */
  readonly host: string;
  /** TCP port of the API; default 8080 (0 picks a free port). */
  readonly port: number;
  /** Directory for the SQLite file and other state; default `./data`. */
  readonly dataDir: string;
  /** `sqlite:<file>`, `sqlite::memory:` or `postgres://…`; default `sqlite:<dataDir>/hub.db`. */
  readonly databaseUrl: string;
  /** Password for `hub_admin` when the first start creates it; random (shown once) when absent. */
  readonly adminPassword: string | undefined;
  /** Directory holding the built dashboard, served at `/`; nothing is served when absent or missing. */
  readonly webRoot: string | undefined;
  /** Failed-login throttling; default 10 failures per 15 minutes. */
  readonly loginLimits: LoginLimits;
  /** HS256 secret for tokens; generated once and kept in the database when absent. */
  readonly jwtSecret: string | undefined;
  /** Largest accepted request body in bytes; default 1 MiB. */
  readonly bodyLimit: number;
  /**
   * Reverse proxies (addresses or CIDRs) whose `X-Forwarded-For` names the client, so failed-login
   * throttling counts per real address behind them; default none (the TCP peer is the client).
   */
  readonly trustProxy: readonly string[];
}

/** What callers may pass: every field optional. */
export type HubConfigInput = Partial<Omit<HubConfig, 'loginLimits'>> & {
  loginLimits?: Partial<LoginLimits>;
};

/** Fill defaults, check once, freeze. Throws HUB_ERR_CONFIG on a bad value. */
export function resolveHubConfig(input: HubConfigInput = {}): HubConfig {
  const dataDir = input.dataDir ?? './data';
  const port = input.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw HubErrors.HUB_ERR_CONFIG(`port must be an integer 0-65535, got ${String(input.port)}`);
  }
  const databaseUrl = input.databaseUrl ?? `sqlite:${join(dataDir, 'hub.db')}`;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw HubErrors.HUB_ERR_CONFIG('database URL must start with sqlite: or postgres://');
  }
  if (input.jwtSecret !== undefined && input.jwtSecret.length < 16) {
    throw HubErrors.HUB_ERR_CONFIG('the JWT secret must be at least 16 characters');
  }
  for (const entry of input.trustProxy ?? []) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (
      !family ||
      extra !== undefined ||
      (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits))
    ) {
      throw HubErrors.HUB_ERR_CONFIG(`trusted proxy must be an IP address or CIDR, got "${entry}"`);
    }
  }
  const loginLimits = Object.freeze({
    maxFailures: input.loginLimits?.maxFailures ?? 10,
    windowMs: input.loginLimits?.windowMs ?? 15 * 60_000,
  });
  return Object.freeze({
    host: input.host ?? '127.0.0.1',
    port,
    dataDir,
    databaseUrl,
    adminPassword: input.adminPassword || undefined,
    webRoot: input.webRoot || undefined,
    loginLimits,
    jwtSecret: input.jwtSecret || undefined,
    bodyLimit: input.bodyLimit ?? 1024 * 1024,
    trustProxy: Object.freeze([...(input.trustProxy ?? [])]),
  });
}
