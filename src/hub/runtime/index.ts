export { createHubRuntime } from './hub-runtime.js';
export type { HubRuntime, HubRuntimeOptions, HubRuntimeTimings } from './hub-runtime.js';
export type { HubStore, HubState, HubAgentState, StatsSample } from './store.js';
export type {
  AgentStatsJson,
  GateJson,
  GateStatsJson,
  RouteStatsJson,
  StatsHistoryJson,
  StatsJson,
  TrafficJson,
} from './api-shapes.js';
export type { AgentPresence } from './presence.js';
export type { PushOptions } from './pusher.js';
export { toSnapshot } from './config-publisher.js';
export { LEADER_LEASE } from './leader-lease.js';
export { createMemoryHubStore } from './memory-hub-store.js';
export type { MemoryHubStore, EditableHubState } from './memory-hub-store.js';
