import type { ConfigSnapshot, GateEndpoint, GatePresence, LinkView } from './types.js';

/** The view one agent's Links get: its own routes, and every online Gate's tunnel endpoint. */
export function buildLinkView(
  snapshot: ConfigSnapshot,
  gates: readonly GatePresence[],
  agentId: number,
): LinkView | null {
  const agent = snapshot.agents.find((a) => a.id === agentId);
  if (!agent) return null;
  const endpoints: GateEndpoint[] = gates
    .map(({ id, tunnelAddr, tls, fingerprint }) => ({ id, tunnelAddr, tls, fingerprint }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return {
    version: snapshot.version,
    agentId,
    enabled: agent.enabled,
    routes: snapshot.routes
      .filter((r) => r.agentId === agentId)
      .map(({ id, domain, targetIp, targetPort, proxyProtocol }) => ({
        id,
        domain,
        targetIp,
        targetPort,
        proxyProtocol,
      })),
    gates: agent.enabled ? endpoints : [],
  };
}
