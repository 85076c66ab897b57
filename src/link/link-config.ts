import { hostname } from 'node:os';
import { LinkErrors } from './errors.js';

/** Everything a Link needs besides where its view comes from. */
export interface LinkConfig {
  /** The agent token; authenticates every tunnel session. Never logged. */
  readonly token: string;
  /** Tells several Links of one agent apart; default the host name. */
  readonly linkId: string;
  /** Idle data channels per Gate session; default 0 = what the Gate asks for. */
  readonly poolSize: number;
  /** Dial timeout towards a route's target; default 4000 (below the Gate's open timeout). */
  readonly targetTimeoutMs: number;
  /** Tunnel connect + handshake timeout; default 10 000. */
  readonly gateTimeoutMs: number;
  /** First reconnect delay; default 250. */
  readonly backoffInitialMs: number;
  /**
   * Reconnect delay cap; default 2000. Kept short on purpose: a Link only retries a Gate that is
   * still announced (one whose presence lapsed leaves the view and is no longer dialled), so a
   * restarted Gate is back in service within this delay of listening again.
   */
  readonly backoffMaxMs: number;
}

/** A Link configuration before defaults: only the token is required. */
export type LinkConfigInput = Partial<LinkConfig> & { readonly token: string };

/** Check a Link configuration once and freeze it. Throws LINK_ERR_CONFIG. */
export function linkConfig(input: LinkConfigInput): LinkConfig {
  const config: LinkConfig = {
    token: input.token,
    linkId: input.linkId ?? hostname(),
    poolSize: input.poolSize ?? 0,
    targetTimeoutMs: input.targetTimeoutMs ?? 4000,
    gateTimeoutMs: input.gateTimeoutMs ?? 10_000,
    backoffInitialMs: input.backoffInitialMs ?? 250,
    backoffMaxMs: input.backoffMaxMs ?? 2_000,
  };
  if (typeof config.token !== 'string' || config.token.trim().length < 8) {
    throw LinkErrors.CONFIG('token: the agent token is required (at least 8 characters)');
  }
  if (!config.linkId || config.linkId.length > 128)
    throw LinkErrors.CONFIG('linkId: 1–128 characters');
  const ints: Array<[keyof LinkConfig, number, number]> = [
    ['poolSize', 0, 64],
    ['targetTimeoutMs', 100, 120_000],
    ['gateTimeoutMs', 100, 120_000],
    ['backoffInitialMs', 1, 60_000],
    ['backoffMaxMs', 1, 600_000],
  ];
  for (const [key, min, max] of ints) {
    const value = config[key];
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
      throw LinkErrors.CONFIG(`${key}: an integer from ${min} to ${max}`);
    }
  }
  return Object.freeze(config);
}
