import { Type, type TSchema, type Static } from '@sinclair/typebox';
import { Check } from '@sinclair/typebox/value';
import type { Logger } from '../shared/logger.js';
import type { ConfigSnapshot, GatePresence, LinkView, LogEvent } from './types.js';

// Shapes of what other processes wrote into Redis. Extra properties are allowed so a newer
// writer does not break an older reader; missing or mistyped ones make the item unusable.

const Int = Type.Integer();
const Num = Type.Number();

const RouteSchema = Type.Object({
  id: Int,
  domain: Type.String(),
  targetIp: Type.String(),
  targetPort: Int,
  agentId: Int,
  proxyProtocol: Type.Boolean(),
});

const AgentSchema = Type.Object({
  id: Int,
  name: Type.String(),
  mode: Type.Union([Type.Literal('push'), Type.Literal('redis')]),
  enabled: Type.Boolean(),
  tokenHash: Type.String(),
});

const EndpointSchema = Type.Object({
  id: Type.String(),
  tunnelAddr: Type.String(),
  tls: Type.Boolean(),
  fingerprint: Type.String(),
});

const PresenceSchema = Type.Composite([
  EndpointSchema,
  Type.Object({
    name: Type.String(),
    region: Type.String(),
    version: Type.String(),
    publicAddr: Type.String(),
    startedAt: Num,
    lastSeen: Num,
    connections: Num,
    sessions: Type.Array(Type.Object({ agentId: Int, links: Num })),
    routes: Type.Array(Type.Object({ routeId: Int, agentId: Int, active: Num })),
    configVersion: Num,
  }),
]);

const LinkRouteSchema = Type.Object({
  id: Int,
  domain: Type.String(),
  targetIp: Type.String(),
  targetPort: Int,
  proxyProtocol: Type.Boolean(),
});

const LogEventSchema = Type.Object({
  time: Num,
  level: Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
  source: Type.String(),
  message: Type.String(),
  meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/** An envelope whose lists are checked item by item, so one bad item never loses the rest. */
const SnapshotEnvelope = Type.Object({
  version: Num,
  routes: Type.Array(Type.Unknown()),
  agents: Type.Array(Type.Unknown()),
});
const ViewEnvelope = Type.Object({
  version: Num,
  agentId: Int,
  enabled: Type.Boolean(),
  routes: Type.Array(Type.Unknown()),
  gates: Type.Array(Type.Unknown()),
});

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function keepValid<T extends TSchema>(
  schema: T,
  items: readonly unknown[],
  log: Logger,
  what: string,
  key: string,
): Static<T>[] {
  const out: Static<T>[] = [];
  let skipped = 0;
  for (const item of items) {
    if (Check(schema, item)) out.push(item);
    else skipped++;
  }
  if (skipped > 0) log.warn({ key, skipped }, `redis bus: skipped ${skipped} malformed ${what}`);
  return out;
}

/** A config snapshot read from Redis, malformed routes/agents dropped; null when unusable. */
export function parseSnapshot(raw: string, log: Logger, key: string): ConfigSnapshot | null {
  const value = parseJson(raw);
  if (!Check(SnapshotEnvelope, value)) {
    log.warn({ key }, 'redis bus: skipped a malformed config snapshot');
    return null;
  }
  return {
    version: value.version,
    routes: keepValid(RouteSchema, value.routes, log, 'route(s) in the config snapshot', key),
    agents: keepValid(AgentSchema, value.agents, log, 'agent(s) in the config snapshot', key),
  };
}

/** A Gate presence read from Redis; null (and a warning) when malformed. */
export function parsePresence(raw: string, log: Logger, key: string): GatePresence | null {
  const value = parseJson(raw);
  if (Check(PresenceSchema, value)) return value;
  log.warn({ key }, 'redis bus: skipped a malformed gate presence');
  return null;
}

/** A Link view read from Redis, malformed routes/gates dropped; undefined when unusable. */
export function parseLinkView(raw: string, log: Logger, key: string): LinkView | undefined {
  const value = parseJson(raw);
  if (!Check(ViewEnvelope, value)) {
    log.warn({ key }, 'redis bus: skipped a malformed link view');
    return undefined;
  }
  return {
    version: value.version,
    agentId: value.agentId,
    enabled: value.enabled,
    routes: keepValid(LinkRouteSchema, value.routes, log, 'route(s) in a link view', key),
    gates: keepValid(EndpointSchema, value.gates, log, 'gate(s) in a link view', key),
  };
}

/** A log event read from the stream; null (and a warning) when malformed. */
export function parseLogEvent(raw: string, log: Logger, key: string): LogEvent | null {
  const value = parseJson(raw);
  if (Check(LogEventSchema, value)) return value;
  log.warn({ key }, 'redis bus: skipped a malformed log event');
  return null;
}
