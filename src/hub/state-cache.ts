import type { Kysely } from 'kysely';
import type { HubDatabase } from './db/schema.js';
import { readConfigVersion } from './db/config-version.js';
import { loadDataPlaneState, type DataPlaneState } from './data-plane-state.js';

type RouteState = DataPlaneState['routes'][number];
type AgentState = DataPlaneState['agents'][number];

/** One committed change to the config plane, as this Hub made it. */
export type StateChange =
  | { kind: 'route'; route: RouteState }
  | { kind: 'route-deleted'; id: number }
  | { kind: 'agent'; agent: AgentState }
  /** The agent and every route of it. */
  | { kind: 'agent-deleted'; id: number };

/** The config plane for the runtime, kept current from this Hub's own changes. */
export interface StateCache {
  /** Note a change committed at `version` (call after the commit, before announcing it). */
  record(version: number, change: StateChange): void;
  /** The state at the current database version. */
  load(): Promise<DataPlaneState>;
}

export interface StateCacheOptions {
  /** A full reload happens at least this often, whatever the changes; default 10 s. */
  maxAgeMs?: number;
  now?: () => number;
  /** Told about every full reload (tests, diagnostics). */
  onReload?: () => void;
}

// Changes recorded but not yet applied; past this many the cache just reloads in full.
const MAX_PENDING = 1000;

const byId = <T extends { id: number }>(a: T, b: T) => a.id - b.id;

function upsert<T extends { id: number }>(list: readonly T[], item: T): T[] {
  const out = list.filter((x) => x.id !== item.id);
  out.push(item);
  return out.sort(byId);
}

function apply(state: DataPlaneState, version: number, change: StateChange): DataPlaneState {
  switch (change.kind) {
    case 'route':
      return { ...state, version, routes: upsert(state.routes, change.route) };
    case 'route-deleted':
      return { ...state, version, routes: state.routes.filter((r) => r.id !== change.id) };
    case 'agent':
      return { ...state, version, agents: upsert(state.agents, change.agent) };
    case 'agent-deleted':
      return {
        version,
        routes: state.routes.filter((r) => r.agentId !== change.id),
        agents: state.agents.filter((a) => a.id !== change.id),
      };
  }
}

/**
 * Reloading every route and agent on each change costs time in proportion to the table; a
 * Hub that made the change itself knows exactly what changed. So: read the version (one
 * indexed row), apply this Hub's recorded changes when they cover every version since the
 * cached state, and reload in full whenever they do not (a change by another Hub or the
 * command line), when the cache is older than `maxAgeMs`, or on first use. Never mutates a
 * state it has handed out.
 */
export function createStateCache(
  db: Kysely<HubDatabase>,
  { maxAgeMs = 10_000, now = Date.now, onReload }: StateCacheOptions = {},
): StateCache {
  let cached: { state: DataPlaneState; loadedAt: number } | undefined;
  const pending = new Map<number, StateChange>();

  const reload = async () => {
    onReload?.();
    const state = await loadDataPlaneState(db);
    cached = { state, loadedAt: now() };
    for (const v of pending.keys()) if (v <= state.version) pending.delete(v);
    return state;
  };

  return {
    record(version, change) {
      if (pending.size >= MAX_PENDING) pending.clear();
      pending.set(version, change);
    },

    async load() {
      if (!cached || now() - cached.loadedAt >= maxAgeMs) return reload();
      const version = await readConfigVersion(db);
      let { state } = cached;
      if (version === state.version) return state;
      if (version < state.version) return reload();
      for (let v = state.version + 1; v <= version; v++) {
        const change = pending.get(v);
        if (!change) return reload();
        state = apply(state, v, change);
      }
      for (let v = cached.state.version + 1; v <= version; v++) pending.delete(v);
      cached = { state, loadedAt: cached.loadedAt };
      return state;
    },
  };
}
