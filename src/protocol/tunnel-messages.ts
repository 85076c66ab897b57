import { encodeFrame, type RawFrame } from './tunnel-frame.js';
import { TunnelProtoErrors } from './tunnel-errors.js';

/** Version carried by Challenge and Hello; a Gate refuses a Hello of another version. */
export const TUNNEL_PROTOCOL_VERSION = 1;

/** One byte per message. Pinned by a test: changing a value breaks every deployed peer. */
export const TunnelTag = {
  challenge: 0x01,
  hello: 0x02,
  welcome: 0x03,
  refused: 0x04,
  ping: 0x05,
  pong: 0x06,
  drain: 0x07,
  wantChannels: 0x08,
  dataHello: 0x10,
  open: 0x11,
  openOk: 0x12,
  openFailed: 0x13,
} as const;

/** The `type` of a tunnel message. */
export type TunnelMessageType = keyof typeof TunnelTag;

/** Gate → Link, first frame on every connection: a fresh nonce a data channel must sign. */
export interface ChallengeMessage {
  readonly type: 'challenge';
  readonly version: number;
  /** 32 random bytes, hex. */
  readonly nonce: string;
}
/** Link → Gate on a control connection: the agent token authenticates the session. */
export interface HelloMessage {
  readonly type: 'hello';
  readonly version: number;
  readonly token: string;
  /** Tells several Links of one agent apart in logs. */
  readonly linkId: string;
  /** Link software version. */
  readonly software: string;
}
/** Gate → Link: the session is open; data channels prove they belong to it with `sessionKey`. */
export interface WelcomeMessage {
  readonly type: 'welcome';
  readonly sessionId: string;
  /** 32 random bytes, hex; HMAC key of data channel hellos. */
  readonly sessionKey: string;
  readonly gateId: string;
  readonly agentId: number;
  /** Idle data channels the Gate wants kept open. */
  readonly poolSize: number;
  readonly heartbeatMs: number;
}
/** Either side: this connection is refused; `code` is stable, `reason` readable. */
export interface RefusedMessage {
  readonly type: 'refused';
  readonly code: string;
  readonly reason: string;
}
/** Heartbeat; answered with a Pong carrying the same time. */
export interface PingMessage {
  readonly type: 'ping';
  readonly time: number;
}
/** Answer to a Ping. */
export interface PongMessage {
  readonly type: 'pong';
  readonly time: number;
}
/** Gate → Link: the Gate is going away; reconnect elsewhere or later. */
export interface DrainMessage {
  readonly type: 'drain';
  readonly reason: string;
}
/** Gate → Link: players are waiting, open this many more data channels now. */
export interface WantChannelsMessage {
  readonly type: 'wantChannels';
  readonly count: number;
}
/** Link → Gate, first frame of a data channel: HMAC-SHA256(sessionKey, challenge nonce), hex. */
export interface DataHelloMessage {
  readonly type: 'dataHello';
  readonly sessionId: string;
  readonly mac: string;
}
/** Gate → Link on an idle data channel: relay a player to this route. Raw player bytes follow. */
export interface OpenMessage {
  readonly type: 'open';
  readonly routeId: number;
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly destAddress: string;
  readonly destPort: number;
}
/** Link → Gate: the target is connected; raw backend bytes follow. */
export interface OpenOkMessage {
  readonly type: 'openOk';
}
/** Link → Gate: the route is unknown to the Link or its target could not be reached. */
export interface OpenFailedMessage {
  readonly type: 'openFailed';
  readonly code: string;
  readonly reason: string;
}

/** Every tunnel message: a tagged union discriminated by `type`. */
export type TunnelMessage =
  | ChallengeMessage
  | HelloMessage
  | WelcomeMessage
  | RefusedMessage
  | PingMessage
  | PongMessage
  | DrainMessage
  | WantChannelsMessage
  | DataHelloMessage
  | OpenMessage
  | OpenOkMessage
  | OpenFailedMessage;

type FieldKind = 'string' | 'int';

// The shape each tag must carry; checked once at the edge so the rest of the code trusts it.
const SHAPES: { readonly [K in TunnelMessageType]: Readonly<Record<string, FieldKind>> } = {
  challenge: { version: 'int', nonce: 'string' },
  hello: { version: 'int', token: 'string', linkId: 'string', software: 'string' },
  welcome: {
    sessionId: 'string',
    sessionKey: 'string',
    gateId: 'string',
    agentId: 'int',
    poolSize: 'int',
    heartbeatMs: 'int',
  },
  refused: { code: 'string', reason: 'string' },
  ping: { time: 'int' },
  pong: { time: 'int' },
  drain: { reason: 'string' },
  wantChannels: { count: 'int' },
  dataHello: { sessionId: 'string', mac: 'string' },
  open: {
    routeId: 'int',
    sourceAddress: 'string',
    sourcePort: 'int',
    destAddress: 'string',
    destPort: 'int',
  },
  openOk: {},
  openFailed: { code: 'string', reason: 'string' },
};

const TYPE_BY_TAG = new Map<number, TunnelMessageType>(
  Object.entries(TunnelTag).map(([type, tag]) => [tag, type as TunnelMessageType]),
);

/** One message as a frame ready to write. */
export function encodeMessage(message: TunnelMessage): Buffer {
  const { type, ...fields } = message;
  return encodeFrame(TunnelTag[type], Buffer.from(JSON.stringify(fields), 'utf8'));
}

/** Check a frame and turn it into a message; throws PROTO_ERR_UNKNOWN_TAG / PROTO_ERR_BAD_MESSAGE. */
export function decodeMessage(frame: RawFrame): TunnelMessage {
  const type = TYPE_BY_TAG.get(frame.tag);
  if (!type) throw TunnelProtoErrors.UNKNOWN_TAG(`unknown message tag 0x${frame.tag.toString(16)}`);
  let body: unknown;
  try {
    body = JSON.parse(frame.payload.toString('utf8'));
  } catch {
    throw TunnelProtoErrors.BAD_MESSAGE(`${type}: payload is not JSON`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw TunnelProtoErrors.BAD_MESSAGE(`${type}: payload is not an object`);
  }
  const record = body as Record<string, unknown>;
  const out: Record<string, unknown> = { type };
  for (const [field, kind] of Object.entries(SHAPES[type])) {
    const value = record[field];
    const ok =
      kind === 'string'
        ? typeof value === 'string' && value.length <= 4096
        : Number.isSafeInteger(value);
    if (!ok) throw TunnelProtoErrors.BAD_MESSAGE(`${type}: field ${field} must be ${kind}`);
    out[field] = value;
  }
  // Unknown fields are dropped, so a newer peer may add optional ones without breaking this one.
  return out as unknown as TunnelMessage;
}
