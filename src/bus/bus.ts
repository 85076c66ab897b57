import type {
  ConfigSnapshot,
  GatePresence,
  LinkView,
  LogEvent,
  TrafficDelta,
  TrafficTotal,
  Unsubscribe,
} from './types.js';

export type * from './types.js';

/**
 * How Hub, Gates and redis-mode Links share state. Two drivers: `memory` (one process) and
 * `redis` (many hosts). Watchers are called with the current value first when there is one,
 * then on every change; a driver heals missed notifications by itself (periodic version check).
 */
export interface Bus {
  readonly kind: 'memory' | 'redis';

  /** Store and announce a config snapshot; an older version than the stored one is ignored. */
  publishConfig(snapshot: ConfigSnapshot): Promise<void>;
  readConfig(): Promise<ConfigSnapshot | null>;
  watchConfig(listener: (snapshot: ConfigSnapshot) => void): Unsubscribe;

  /** A Gate's heartbeat; it lapses after `ttlMs` unless renewed. */
  announceGate(presence: GatePresence, ttlMs: number): Promise<void>;
  /** A Gate leaving cleanly. */
  withdrawGate(id: string): Promise<void>;
  /** Gates whose presence has not lapsed. */
  listGates(): Promise<GatePresence[]>;
  /** Called when a Gate appears, leaves, or changes what Links dial (address, fingerprint). */
  watchGates(listener: (gates: GatePresence[]) => void): Unsubscribe;

  /** Per-agent view for redis-mode Links, keyed by the SHA-256 of the agent token. */
  publishLinkView(tokenHash: string, view: LinkView | null): Promise<void>;
  readLinkView(tokenHash: string): Promise<LinkView | null>;
  watchLinkView(tokenHash: string, listener: (view: LinkView | null) => void): Unsubscribe;

  /** Add a Gate's counter increments to the cumulative totals. */
  addTraffic(delta: TrafficDelta): Promise<void>;
  readTraffic(): Promise<TrafficTotal[]>;

  publishLog(event: LogEvent): Promise<void>;
  watchLogs(listener: (event: LogEvent) => void): Unsubscribe;

  /**
   * Take or keep a named lease for `ttlMs` on behalf of `owner`; true while `owner` holds it.
   * Lets several Hubs run a background duty once.
   */
  lease(name: string, owner: string, ttlMs: number): Promise<boolean>;

  close(): Promise<void>;
}
