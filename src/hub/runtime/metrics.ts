import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Outcome label of `gatelink_hub_pushes_total`. */
export type PushResult = 'ok' | 'rejected' | 'failed';

/** The Hub runtime's Prometheus metrics, in a registry of its own. */
export interface HubMetrics {
  readonly registry: Registry;
  readonly configVersion: Gauge;
  readonly gatesOnline: Gauge;
  readonly agentsOnline: Gauge;
  readonly routes: Gauge;
  readonly agents: Gauge;
  readonly leader: Gauge;
  readonly pushes: Counter<'result'>;
  readonly pushLatency: Histogram;
}

/** Create the registry with process metrics and the Hub's own gauges (names in docs/metrics.md). */
export function createHubMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gatelink_hub_' });
  const registers = [registry];
  return {
    registry,
    configVersion: new Gauge({
      name: 'gatelink_hub_config_version',
      help: 'Config version this Hub last published',
      registers,
    }),
    gatesOnline: new Gauge({
      name: 'gatelink_hub_gates_online',
      help: 'Gates with a live heartbeat',
      registers,
    }),
    agentsOnline: new Gauge({
      name: 'gatelink_hub_agents_online',
      help: 'Agents with at least one Link session on some Gate',
      registers,
    }),
    routes: new Gauge({ name: 'gatelink_hub_routes', help: 'Routes in the config', registers }),
    agents: new Gauge({ name: 'gatelink_hub_agents', help: 'Agents in the config', registers }),
    leader: new Gauge({
      name: 'gatelink_hub_leader',
      help: '1 while this Hub holds the leader lease (pushes, samples stats, ingests logs)',
      registers,
    }),
    pushes: new Counter({
      name: 'gatelink_hub_pushes_total',
      help: 'Push attempts to push-mode Links by result (ok: 2xx, rejected: other status, failed: no answer)',
      labelNames: ['result'] as const,
      registers,
    }),
    pushLatency: new Histogram({
      name: 'gatelink_hub_push_latency_seconds',
      help: 'Duration of one push attempt, answered or not',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}
