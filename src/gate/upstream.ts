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
