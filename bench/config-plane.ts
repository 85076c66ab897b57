import type { Bus } from '../src/bus/bus.js';
import { buildLinkView } from '../src/bus/link-view.js';
import type { ConfigSnapshot, LinkRoute, LinkView } from '../src/bus/types.js';
import { hashToken } from '../src/shared/token-hash.js';
import { BENCH_DOMAIN } from './paths.js';

/** The bench's one agent. */
export const BENCH_AGENT_ID = 1;

/** The config one bench path runs with: one agent, one route to the backend. */
export function benchSnapshot(token: string, backendPort: number): ConfigSnapshot {
  return {
    version: 1,
    routes: [
      {
        id: 1,
        domain: BENCH_DOMAIN,
        targetIp: '127.0.0.1',
        targetPort: backendPort,
        agentId: BENCH_AGENT_ID,
        proxyProtocol: false,
      },
    ],
    agents: [{ id: BENCH_AGENT_ID, name: 'bench', mode: 'redis', enabled: true, tokenHash: hashToken(token) }],
  };
}

/** The Link's view of the bench config, given the Gate it should dial. */
export function benchLinkView(
  snapshot: ConfigSnapshot,
  gate: { id: string; tunnelAddr: string; tls: boolean; fingerprint: string },
): LinkView {
  const routes: LinkRoute[] = snapshot.routes.map(({ id, domain, targetIp, targetPort, proxyProtocol }) => ({
    id,
    domain,
    targetIp,
    targetPort,
    proxyProtocol,
  }));
  return { version: snapshot.version, agentId: BENCH_AGENT_ID, enabled: true, routes, gates: [gate] };
}

/**
 * What the Hub does for the data plane, reduced to the bench's one agent: publish the config
 * on the bus and keep the agent's Link view in step with the Gates' presence.
 */
export async function runConfigPlane(bus: Bus, snapshot: ConfigSnapshot): Promise<() => void> {
  await bus.publishConfig(snapshot);
  const agent = snapshot.agents[0]!;
  return bus.watchGates((gates) => {
    void bus.publishLinkView(agent.tokenHash, buildLinkView(snapshot, gates, agent.id));
  });
}
