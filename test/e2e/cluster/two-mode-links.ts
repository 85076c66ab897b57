/** The usual pair behind a failure test: a redis-mode and a push-mode agent, each with its Link. */
import { localRoute, type AgentJson } from '../support/hub-api.js';
import type { Cluster, GatePart, HubPart } from './cluster.js';
import type { PartProcess } from './part-process.js';
import { freePort } from './wait.js';

/** The Link ids of the pair, as the Gates log them. */
export const TWO_MODE_LINK_IDS = ['link-redis', 'link-push'] as const;

/** What `startTwoModeLinks` set up. */
export interface TwoModeLinks {
  readonly redisAgent: AgentJson;
  readonly pushAgent: AgentJson;
  /** The redis-mode Link, then the push-mode one. */
  readonly links: PartProcess[];
}

/** Domains each agent serves, with the loopback port each one leads to. */
type Routes = Readonly<Record<string, number>>;

async function addRoutes(hub: HubPart, routes: Routes, agentId: number): Promise<void> {
  for (const [domain, port] of Object.entries(routes)) {
    await hub.api.createRoute(localRoute(domain, port, agentId));
  }
}

/**
 * Create the two agents (`redisName`, `pushName`) with their routes, start both
 * Links, and resolve once every Gate in `gates` logged both connected.
 */
export async function startTwoModeLinks(
  cluster: Cluster,
  hub: HubPart,
  {
    redisName,
    pushName,
    redisRoutes,
    pushRoutes,
    gates,
  }: {
    redisName: string;
    pushName: string;
    redisRoutes: Routes;
    pushRoutes: Routes;
    gates: readonly GatePart[];
  },
): Promise<TwoModeLinks> {
  const redisAgent = await hub.api.createAgent({ name: redisName, mode: 'redis' });
  const pushPort = await freePort();
  const pushAgent = await hub.api.createAgent({
    name: pushName,
    mode: 'push',
    push_url: `http://127.0.0.1:${pushPort}`,
  });
  await addRoutes(hub, redisRoutes, redisAgent.ID);
  await addRoutes(hub, pushRoutes, pushAgent.ID);
  const links = [
    cluster.startRedisLink(redisAgent.token, TWO_MODE_LINK_IDS[0]),
    cluster.startPushLink(pushAgent.token, TWO_MODE_LINK_IDS[1], pushPort),
  ];
  for (const gate of gates) {
    for (const linkId of TWO_MODE_LINK_IDS)
      await gate.proc.waitForLog('link connected', { fields: { linkId }, timeoutMs: 30_000 });
  }
  return { redisAgent, pushAgent, links };
}
