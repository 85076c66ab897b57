import type { GatePresence, LogEvent } from '../../bus/types.js';
import type { HubAgentState, HubState, HubStore, StatsSample } from './store.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The store's state with its rows editable, as a test edits them. */
export interface EditableHubState {
  version: number;
  routes: Array<Mutable<HubState['routes'][number]>>;
  agents: Array<Mutable<HubAgentState>>;
}

/** A HubStore kept in memory, with the edits the REST API would make; for tests and demos. */
export interface MemoryHubStore extends HubStore {
  /** The current state; edit it through `change` so the version moves. */
  readonly state: EditableHubState;
  readonly logs: Array<LogEvent & { actor?: string }>;
  readonly samples: StatsSample[];
  readonly knownGates: Map<string, GatePresence>;
  /** How many times `loadState` was called. */
  loads: number;
  /** Apply an edit and bump the config version, as a committed API change does. */
  change(edit: (state: EditableHubState) => void): void;
  /** Find an agent by id (throws when missing: a test mistake). */
  agent(id: number): Mutable<HubAgentState>;
}

/** Create an in-memory store holding `initial` (its version is kept). */
export function createMemoryHubStore(initial: Partial<HubState> = {}): MemoryHubStore {
  const state: EditableHubState = {
    version: initial.version ?? 1,
    routes: initial.routes ?? [],
    agents: initial.agents ?? [],
  };
  const copy = (): HubState => structuredClone(state);
  const store: MemoryHubStore = {
    state,
    logs: [],
    samples: [],
    knownGates: new Map(),
    loads: 0,
    change(edit) {
      edit(state);
      state.version++;
    },
    agent(id) {
      const found = state.agents.find((a) => a.id === id);
      if (!found) throw new Error(`no agent ${id}`);
      return found;
    },
    async loadState() {
      store.loads++;
      return copy();
    },
    async upsertGates(gates) {
      for (const g of gates) store.knownGates.set(g.id, g);
    },
    async listKnownGates() {
      const cutoff = Date.now() - 15_000;
      return [...store.knownGates.values()].map((g) => ({ ...g, online: g.lastSeen >= cutoff }));
    },
    async insertLog(event) {
      store.logs.push(event);
    },
    async insertStatsSample(sample) {
      store.samples.push(sample);
    },
    async recentStatsSamples(sinceMs) {
      return store.samples.filter((s) => s.time >= sinceMs);
    },
  };
  return store;
}
