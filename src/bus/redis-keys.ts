/**
 * Every Redis key and channel the bus uses, in one place, so that ACL rules can be written
 * against them (docs/multi-host.md): Gates need `config`, `gate:*`, `gates`, `traffic`, `logs`;
 * a redis-mode Link needs only `view:<sha256 of its token>` (a key and a channel of that name).
 */
export interface RedisKeys {
  /** Hash: `version` (decimal) and `snapshot` (JSON ConfigSnapshot). Also the change channel. */
  readonly config: string;
  /** String per Gate with a PX TTL: JSON GatePresence. */
  gate(id: string): string;
  /** Sorted set index of Gate ids (score: last announce, ms); also the gate change channel. */
  readonly gates: string;
  /** String per agent: JSON LinkView; the channel of the same name announces changes. */
  view(tokenHash: string): string;
  /** Hash of cumulative counters; field `<routeId>|<counter>|<gateId>`
   * (counter: connections, bytesIn, bytesOut, errors, or agentId which is set, not added). */
  readonly traffic: string;
  /** Stream of log events (field `e`: JSON LogEvent), read by the Hubs' consumer group. */
  readonly logs: string;
  /** String per lease: the owner, with a PX TTL. */
  lease(name: string): string;
}

/**
 * Value of a view key whose agent was removed. A deletion is written, not a DEL, so that a key
 * that is merely missing (Redis restarted empty) is not mistaken for "this agent is gone" and
 * Links keep serving until the Hub puts their view back.
 */
export const VIEW_DELETED = 'null';

/** How long a deletion marker stays, in seconds: a week. */
export const VIEW_DELETED_TTL_S = 7 * 24 * 3600;

/** The consumer group every Hub reads the log stream through, so each event is ingested once. */
export const LOG_GROUP = 'hubs';

/** Key and channel names under `prefix` (default `gatelink:`). */
export function redisKeys(prefix: string): RedisKeys {
  return Object.freeze({
    config: `${prefix}config`,
    gate: (id: string) => `${prefix}gate:${id}`,
    gates: `${prefix}gates`,
    view: (tokenHash: string) => `${prefix}view:${tokenHash}`,
    traffic: `${prefix}traffic`,
    logs: `${prefix}logs`,
    lease: (name: string) => `${prefix}lease:${name}`,
  });
}
