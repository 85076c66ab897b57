import type { GateEndpoint, LinkRoute, LinkView } from '../bus/types.js';

const isInt = (v: unknown, min: number, max: number): v is number =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const isStr = (v: unknown, max = 1024): v is string => typeof v === 'string' && v.length <= max;
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function route(v: unknown): LinkRoute | null {
  if (!isObj(v)) return null;
  const { id, domain, targetIp, targetPort, proxyProtocol } = v;
  if (
    !isInt(id, 0, Number.MAX_SAFE_INTEGER) ||
    !isStr(domain, 255) ||
    !isStr(targetIp, 255) ||
    !targetIp
  )
    return null;
  if (!isInt(targetPort, 1, 65535) || typeof proxyProtocol !== 'boolean') return null;
  return { id, domain, targetIp, targetPort, proxyProtocol };
}

function gate(v: unknown): GateEndpoint | null {
  if (!isObj(v)) return null;
  const { id, tunnelAddr, tls, fingerprint } = v;
  if (
    !isStr(id, 255) ||
    !id ||
    !isStr(tunnelAddr, 300) ||
    typeof tls !== 'boolean' ||
    !isStr(fingerprint, 200)
  ) {
    return null;
  }
  return { id, tunnelAddr, tls, fingerprint };
}

/** A LinkView from untrusted JSON, or null when it does not have the shape; unknown fields dropped. */
export function checkLinkView(v: unknown): LinkView | null {
  if (!isObj(v)) return null;
  const { version, agentId, enabled } = v;
  if (!isInt(version, 0, Number.MAX_SAFE_INTEGER) || !isInt(agentId, 0, Number.MAX_SAFE_INTEGER))
    return null;
  if (typeof enabled !== 'boolean' || !Array.isArray(v.routes) || !Array.isArray(v.gates))
    return null;
  const routes = v.routes.map(route);
  const gates = v.gates.map(gate);
  if (routes.some((r) => r === null) || gates.some((g) => g === null)) return null;
  return {
    version,
    agentId,
    enabled,
    routes: routes as LinkRoute[],
    gates: gates as GateEndpoint[],
  };
}
