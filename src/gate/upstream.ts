import type { Socket } from 'node:net';
import type { AgentSessions, RouteConfig } from '../bus/types.js';

/** The player's side of a connection, as the backend should learn it (PROXY v2). */
export interface ClientAddress {
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly destAddress: string;
  readonly destPort: number;
}

/** A relayed connection to the backend, ready to pipe. */
export interface OpenedChannel {
  /** Raw socket to the Link; after `head` it carries the backend's bytes unchanged. */
  readonly socket: Socket;
  /** Backend bytes that arrived together with the Link's answer; write them to the player first. */
  readonly head: Buffer;
}

/**
 * The Gate's way to a backend through the Link that owns a route. Implemented by the tunnel server.
 * `open` rejects with a GatelinkError: `GATE_ERR_LINK_OFFLINE` (no live session for the agent),
 * `GATE_ERR_TARGET_REFUSED` (the Link could not reach the target), `GATE_ERR_OPEN_TIMEOUT`.
 */
export interface Upstream {
  open(route: RouteConfig, client: ClientAddress, initial: Buffer): Promise<OpenedChannel>;
  /** True when at least one authenticated Link session exists for the agent. */
  hasSession(agentId: number): boolean;
  /** Live sessions per agent, for presence and stats. */
  sessions(): AgentSessions[];
}

/** Options of the Gate's tunnel listener (Links connect here). */
export interface TunnelServerOptions {
  /** Gate id, stamped on events. */
  readonly gateId: string;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** TLS on the tunnel port; false only when explicitly asked for (loopback tests, benchmarks). */
  readonly tls: boolean;
  /** PEM files; when absent a key pair is created once and kept under `dataDir`. */
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly dataDir: string;
  /** Idle data channels each Link session keeps open; default 4. */
  readonly poolSize?: number;
  /** Heartbeat interval; a peer silent for 3 intervals is dead. Default 5000. */
  readonly heartbeatMs?: number;
  /** How long `open` waits for a channel and the Link's answer; default 5000. */
  readonly openTimeoutMs?: number;
}

/** The Gate's tunnel listener: authenticates Link sessions and opens data channels through them. */
export interface TunnelServer extends Upstream {
  /** Start listening; resolves with the bound port. */
  listen(): Promise<{ host: string; port: number }>;
  /** SHA-256 fingerprint of the certificate (`AA:BB:…`), empty when plain. */
  readonly fingerprint: string;
  readonly tls: boolean;
  /** New config: sessions of agents deleted, disabled or whose token hash changed are closed at once. */
  applyConfig(snapshot: import('../bus/types.js').ConfigSnapshot): void;
  /** Link connected/disconnected, refused tokens: for the Gate to log and publish. (A failed `open` rejects instead.) */
  onEvent(listener: (event: Omit<import('../bus/types.js').LogEvent, 'source'>) => void): void;
  close(): Promise<void>;
}
