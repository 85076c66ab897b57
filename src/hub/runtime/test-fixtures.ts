import type { GatePresence, RouteConfig } from '../../bus/types.js';
import { gatePresence as busGatePresence } from '../../bus/redis-test-support.js';
import { hashToken } from '../../shared/token-hash.js';
import type { HubAgentState } from './store.js';

/** A live Gate's presence for runtime tests, just started; `over` replaces any field. */
export function gatePresence(id: string, over: Partial<GatePresence> = {}): GatePresence {
  return busGatePresence(id, {
    fingerprint: 'AA:BB',
    publicAddr: '0.0.0.0:25565',
    startedAt: Date.now(),
    ...over,
  });
}

/** An agent as the store reports it, its hash derived from `token`; redis mode unless `over` says. */
export function agentState(
  id: number,
  token: string,
  over: Partial<HubAgentState> = {},
): HubAgentState {
  return {
    id,
    name: `agent ${id}`,
    mode: 'redis',
    enabled: true,
    tokenHash: hashToken(token),
    token,
    pushUrl: null,
    ...over,
  };
}

/** A route to port 25565 without a PROXY header unless `over` says. */
export function routeConfig(
  id: number,
  domain: string,
  targetIp: string,
  agentId: number,
  over: Partial<RouteConfig> = {},
): RouteConfig {
  return { id, domain, targetIp, targetPort: 25565, agentId, proxyProtocol: false, ...over };
}
