import type { AgentConfig, GatePresence, LogEvent, RouteConfig } from '../../bus/types.js';

/**
 * What the Hub's runtime needs from the database. Implemented by the Hub's data layer; the
 * runtime never builds SQL.
 */
export interface HubStore {
  /** The whole config plane at its current version, agent tokens included (they sign pushes). */
  loadState(): Promise<{
    version: number;
    routes: RouteConfig[];
    agents: Array<AgentConfig & { token: string; pushUrl: string | null }>;
  }>;
  /** Remember these Gates (insert or update by id) so offline ones stay listed. */
  upsertGates(gates: GatePresence[]): Promise<void>;
  /** Every Gate ever seen, with whether the store considers it online. */
  listKnownGates(): Promise<Array<GatePresence & { online: boolean }>>;
  /** Append one entry to the logs table. */
  insertLog(event: LogEvent & { actor?: string }): Promise<void>;
  /** Append one 10-second traffic sample; bytes are per interval. */
  insertStatsSample(sample: {
    time: number;
    active: number;
    bytesIn: number;
    bytesOut: number;
  }): Promise<void>;
  /** Samples taken at or after `sinceMs`, oldest first. */
  recentStatsSamples(
    sinceMs: number,
  ): Promise<Array<{ time: number; active: number; bytesIn: number; bytesOut: number }>>;
}

/** The result of `HubStore.loadState`. */
export type HubState = Awaited<ReturnType<HubStore['loadState']>>;

/** One agent as `HubStore.loadState` returns it (with its token). */
export type HubAgentState = HubState['agents'][number];

/** One stored traffic sample. */
export type StatsSample = Parameters<HubStore['insertStatsSample']>[0];
