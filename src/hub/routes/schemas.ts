import { Type, type Static } from '@sinclair/typebox';

// One place for every request and response shape: Fastify validates with these and the
// OpenAPI document is generated from them, so the two cannot drift apart.

const Timestamp = Type.String({ format: 'date-time' });

export const ErrorReply = Type.Object({
  error: Type.String(),
  code: Type.String({ description: 'Stable code, e.g. HUB_ERR_VALIDATION' }),
  field: Type.Optional(Type.String({ description: 'The field at fault, for a validation error' })),
});

export const Success = Type.Object({ success: Type.Literal(true) });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const Domain = Type.String({
  minLength: 1,
  maxLength: 254,
  description: 'Hostname or `*.` wildcard; stored lowercased without a trailing dot',
  examples: ['play.myserver.com'],
});
const TargetIp = Type.String({
  minLength: 1,
  maxLength: 253,
  description: 'IPv4/IPv6 address or hostname',
});
const Port = Type.Integer({ minimum: 1, maximum: 65535 });

export const Route = Type.Object({
  ID: Type.Integer(),
  domain: Type.String(),
  target_ip: Type.String(),
  target_port: Type.Integer(),
  agent_id: Type.Integer(),
  proxy_protocol: Type.Boolean(),
  CreatedAt: Timestamp,
  UpdatedAt: Timestamp,
});

export const RouteCreate = Type.Object(
  {
    domain: Domain,
    target_ip: TargetIp,
    target_port: Port,
    agent_id: Type.Integer({ minimum: 1 }),
    proxy_protocol: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type RouteCreateBody = Static<typeof RouteCreate>;

export const RouteUpdate = Type.Partial(RouteCreate, { additionalProperties: false });
export type RouteUpdateBody = Static<typeof RouteUpdate>;

const Mode = Type.Union([Type.Literal('push'), Type.Literal('redis')]);
const PushUrl = Type.Union([
  Type.String({ maxLength: 2048, description: 'http(s) URL; required for push mode' }),
  Type.Null(),
]);
const Name = Type.String({ minLength: 1, maxLength: 200 });

export const Agent = Type.Object({
  ID: Type.Integer(),
  name: Type.String(),
  mode: Mode,
  push_url: Type.Union([Type.String(), Type.Null()]),
  token: Type.String({ description: 'The agent secret' }),
  enabled: Type.Boolean(),
  online: Type.Boolean(),
  gates: Type.Array(Type.String()),
  sessions: Type.Integer(),
  CreatedAt: Timestamp,
  UpdatedAt: Timestamp,
});

export const AgentCreate = Type.Object(
  {
    name: Name,
    mode: Mode,
    push_url: Type.Optional(PushUrl),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AgentCreateBody = Static<typeof AgentCreate>;

export const AgentUpdate = Type.Partial(AgentCreate, { additionalProperties: false });
export type AgentUpdateBody = Static<typeof AgentUpdate>;

export const CascadeQuery = Type.Object({
  cascade: Type.Optional(Type.Boolean({ default: false })),
});

export const Gate = Type.Object({
  ID: Type.String(),
  name: Type.String(),
  region: Type.String(),
  version: Type.String(),
  online: Type.Boolean(),
  last_seen: Timestamp,
  started_at: Timestamp,
  public_addr: Type.String(),
  tunnel_addr: Type.String(),
  tls: Type.Boolean(),
  fingerprint: Type.String(),
  connections: Type.Integer(),
  sessions: Type.Integer(),
  config_version: Type.Integer(),
});

export const LogEntry = Type.Object({
  ID: Type.Integer(),
  time: Timestamp,
  level: Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
  source: Type.String(),
  actor: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  meta: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
});

export const LogsQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      default: 100,
      description: 'Entries to return (default 100, capped at 1000)',
    }),
  ),
  level: Type.Optional(
    Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
  ),
  source: Type.Optional(Type.String({ maxLength: 200 })),
  after_id: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Only entries newer than this ID' }),
  ),
});

const Traffic = {
  active: Type.Number(),
  connections: Type.Number(),
  bytes_in: Type.Number(),
  bytes_out: Type.Number(),
};

export const Stats = Type.Object({
  routes: Type.Integer(),
  agents: Type.Integer(),
  agents_online: Type.Integer(),
  gates: Type.Integer(),
  gates_online: Type.Integer(),
  connections_active: Type.Number(),
  connections_total: Type.Number(),
  bytes_in: Type.Number(),
  bytes_out: Type.Number(),
  errors: Type.Number(),
  by_route: Type.Array(
    Type.Object({
      route_id: Type.Integer(),
      domain: Type.String(),
      agent_id: Type.Integer(),
      ...Traffic,
    }),
  ),
  by_agent: Type.Array(Type.Object({ agent_id: Type.Integer(), name: Type.String(), ...Traffic })),
  by_gate: Type.Array(Type.Object({ gate_id: Type.String(), ...Traffic })),
  history: Type.Array(
    Type.Object({
      time: Timestamp,
      active: Type.Number(),
      bytes_in: Type.Number(),
      bytes_out: Type.Number(),
    }),
  ),
});

export const ApiToken = Type.Object({
  ID: Type.Integer(),
  label: Type.String(),
  username: Type.String(),
  CreatedAt: Timestamp,
  expires_at: Timestamp,
  last_used_at: Type.Union([Timestamp, Type.Null()]),
});

export const ApiTokenCreated = Type.Composite([
  ApiToken,
  Type.Object({ token: Type.String({ description: 'Shown once' }) }),
]);

export const TokenCreate = Type.Object(
  { label: Type.Optional(Type.String({ minLength: 1, maxLength: 100, default: 'api' })) },
  { additionalProperties: false },
);

const Username = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' });

export const Login = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 200 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type LoginBody = Static<typeof Login>;

export const TokenReply = Type.Object({ token: Type.String() });

export const ChangeCredentials = Type.Object({
  new_user: Username,
  new_password: Type.String({
    minLength: 8,
    maxLength: 1024,
    description: 'At least 8 characters',
  }),
});
export type ChangeCredentialsBody = Static<typeof ChangeCredentials>;

export const Me = Type.Object({ username: Type.String(), expires_at: Timestamp });

export const Health = Type.Object({ status: Type.Literal('ok'), version: Type.String() });
