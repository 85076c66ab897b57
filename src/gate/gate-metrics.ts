import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Outcome of one player connection, the `result` label of gatelink_gate_connections_total. */
export type ConnectionResult =
  | 'relayed'
  | 'no_route'
  | 'link_offline'
  | 'target_refused'
  | 'open_timeout'
  | 'open_failed'
  | 'rate_limited'
  | 'legacy_ping'
  | 'half_open_limit'
  | 'bad_handshake'
  | 'client_gone';

/** Why a handshake was not completed, the `reason` label of gatelink_gate_handshake_errors_total. */
export type HandshakeErrorReason =
  'timeout' | 'too_large' | 'malformed' | 'address_too_long' | 'bad_proxy_header' | 'closed_early';

/** What the Gate reads when Prometheus scrapes. */
export interface GateGauges {
  readonly halfOpen: () => number;
  readonly active: () => number;
  readonly linkSessions: () => number;
  readonly routes: () => number;
  readonly configVersion: () => number;
}

/** The Gate's Prometheus metrics, in a registry of its own (several Gates can share a process). */
export class GateMetrics {
  readonly registry = new Registry();
  readonly #connections: Counter<'result'>;
  readonly #bytes: Counter<'direction'>;
  readonly #handshakeErrors: Counter<'reason'>;
  readonly #openSeconds: Histogram;

  constructor(gauges: GateGauges, { gateId }: { gateId: string }) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ gate: gateId });
    collectDefaultMetrics({ register: this.registry, prefix: 'gatelink_gate_' });
    this.#connections = new Counter({
      name: 'gatelink_gate_connections_total',
      help: 'Player connections by outcome',
      labelNames: ['result'],
      registers,
    });
    this.#bytes = new Counter({
      name: 'gatelink_gate_bytes_total',
      help: 'Relayed bytes; in: player to server, out: server to player',
      labelNames: ['direction'],
      registers,
    });
    this.#handshakeErrors = new Counter({
      name: 'gatelink_gate_handshake_errors_total',
      help: 'Connections dropped before a complete handshake, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.#openSeconds = new Histogram({
      name: 'gatelink_gate_open_seconds',
      help: 'Time to get a channel to the backend through the Link',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('gatelink_gate_connections_active', 'Player connections being relayed', gauges.active);
    gauge(
      'gatelink_gate_half_open',
      'Connections that have not completed their handshake',
      gauges.halfOpen,
    );
    gauge(
      'gatelink_gate_link_sessions',
      'Authenticated Link sessions on this Gate',
      gauges.linkSessions,
    );
    gauge('gatelink_gate_routes', 'Domain routes in the table', gauges.routes);
    gauge('gatelink_gate_config_version', 'Config version being served', gauges.configVersion);
    for (const result of ['relayed', 'no_route', 'link_offline', 'rate_limited'] as const) {
      this.#connections.inc({ result }, 0);
    }
    this.#bytes.inc({ direction: 'in' }, 0);
    this.#bytes.inc({ direction: 'out' }, 0);
  }

  /** Count a finished connection setup. */
  connection(result: ConnectionResult): void {
    this.#connections.inc({ result });
  }

  handshakeError(reason: HandshakeErrorReason): void {
    this.#handshakeErrors.inc({ reason });
  }

  openDuration(seconds: number): void {
    this.#openSeconds.observe(seconds);
  }

  bytes(bytesIn: number, bytesOut: number): void {
    if (bytesIn > 0) this.#bytes.inc({ direction: 'in' }, bytesIn);
    if (bytesOut > 0) this.#bytes.inc({ direction: 'out' }, bytesOut);
  }

  /** The text exposition format. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
