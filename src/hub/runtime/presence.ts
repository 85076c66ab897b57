import type { GatePresence } from '../../bus/types.js';
import { toGateJson, type GateJson } from './api-shapes.js';

/** Where one agent's Links are connected right now. */
export interface AgentPresence {
  online: boolean;
  /** Ids of the Gates holding at least one of its sessions, sorted. */
  gates: string[];
  /** Link sessions over all Gates. */
  sessions: number;
}

/**
 * Presence per agent from the live Gates' heartbeats. Every id in `knownAgentIds` gets an entry
 * (offline when no Gate reports it), so callers need no default.
 */
export function agentPresenceFrom(
  liveGates: readonly GatePresence[],
  knownAgentIds: Iterable<number> = [],
): Map<number, AgentPresence> {
  const out = new Map<number, AgentPresence>();
  for (const id of knownAgentIds) out.set(id, { online: false, gates: [], sessions: 0 });
  for (const gate of liveGates) {
    for (const { agentId, links } of gate.sessions) {
      if (links <= 0) continue;
      const entry = out.get(agentId) ?? { online: false, gates: [], sessions: 0 };
      entry.online = true;
      entry.sessions += links;
      if (!entry.gates.includes(gate.id)) entry.gates.push(gate.id);
      out.set(agentId, entry);
    }
  }
  for (const entry of out.values()) entry.gates.sort();
  return out;
}

/**
 * Known Gates merged with the live ones: a Gate's live heartbeat is fresher than the stored row,
 * and being live on the bus is what makes it online (the store may lag one poll behind).
 */
export function mergeGates(
  known: ReadonlyArray<GatePresence & { online: boolean }>,
  live: readonly GatePresence[],
): Array<{ gate: GatePresence; online: boolean }> {
  const byId = new Map<string, { gate: GatePresence; online: boolean }>();
  for (const gate of known) byId.set(gate.id, { gate, online: false });
  for (const gate of live) byId.set(gate.id, { gate, online: true });
  return [...byId.values()].sort(
    (a, b) => Number(b.online) - Number(a.online) || a.gate.id.localeCompare(b.gate.id),
  );
}

/** `GET /api/gates`: online first, then by id. */
export function gatesJson(
  known: ReadonlyArray<GatePresence & { online: boolean }>,
  live: readonly GatePresence[],
): GateJson[] {
  return mergeGates(known, live).map(({ gate, online }) => toGateJson(gate, online));
}

/** What Links dial, as one comparable string: a change here means every view must be re-sent. */
export function endpointsKey(gates: readonly GatePresence[]): string {
  return gates
    .map((g) => `${g.id}\0${g.tunnelAddr}\0${g.tls}\0${g.fingerprint}`)
    .sort()
    .join('\n');
}
