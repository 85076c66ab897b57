import { BlockList, isIP } from 'node:net';
import { GatelinkError } from '../shared/errors.js';
import { DEFAULT_MAX_HANDSHAKE_BYTES } from '../protocol/minecraft-handshake.js';

/** A `host:port` a listener binds. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** A token bucket: `perSecond` refill, up to `burst` tokens; `perSecond: 0` disables it. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/** Texts players see when the Gate answers for a server it cannot reach. */
export interface GateTexts {
  /** Status MOTD for an address no route serves. Default `§cUnknown server address`. */
  readonly motdNoRoute: string;
  /** Status MOTD when the route's Link is offline or its server refuses. Default `§eServer is offline`. */
  readonly motdOffline: string;
  /** Login disconnect for an address no route serves. */
  readonly kickNoRoute: string;
  /** Login disconnect when the route's Link is offline or its server refuses. */
  readonly kickOffline: string;
  /** Login disconnect when a player's address connects too often. */
  readonly kickRateLimited: string;
  /** MOTD answering a pre-1.7 (legacy) server-list ping, which the Gate never forwards. */
  readonly motdLegacy: string;
  /** Version name shown beside an offline MOTD. Default `Gatelink`. */
  readonly versionName: string;
}

/** Everything a Gate runs with; build it with `resolveGateConfig`. */
export interface GateConfig {
  /** Stable id: presence key, traffic owner, log source `gate:<id>`. */
  readonly id: string;
  /** Display name; default the id. */
  readonly name: string;
  /** Default empty. */
  readonly region: string;
  /** Player listener; default 0.0.0.0:25565. */
  readonly listen: ListenAddress;
  /** What players connect to, as shown in presence; default the listen address. */
  readonly publicAddress: string | undefined;
  /** Tunnel listener Links dial; default 0.0.0.0:25590. */
  readonly tunnelListen: ListenAddress;
  /** `host:port` Links are told to dial; default the tunnel listener's host and bound port. */
  readonly advertise: string | undefined;
  /** TLS on the tunnel port; false only for loopback tests and benchmarks. Default true. */
  readonly tunnelTls: boolean;
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  /** Where the generated tunnel key pair is kept; default `./data`. */
  readonly dataDir: string;
  /** Prometheus `/metrics` listener; none by default. */
  readonly metricsListen: ListenAddress | undefined;
  /** Peers allowed to send a PROXY v1/v2 header (a DDoS filter in front); none by default. */
  readonly proxyProtocolTrusted: readonly string[];
  /** Time a player has to complete the handshake (and a status exchange); default 5000. */
  readonly handshakeTimeoutMs: number;
  /** Bound on the handshake packet; default 4096. */
  readonly maxHandshakeBytes: number;
  /** Connections allowed before their handshake completes, all peers together; default 2048. */
  readonly maxHalfOpen: number;
  /** The same, per client address (trusted PROXY senders exempt); default 32. */
  readonly maxHalfOpenPerAddress: number;
  /** Per player address: server-list pings (and legacy pings). Default 10/s, burst 20. */
  readonly statusRate: RateLimit;
  /** Per player address: logins and transfers. Default 3/s, burst 10. */
  readonly loginRate: RateLimit;
  readonly texts: GateTexts;
  /** Presence heartbeat; default 2000, with a TTL of three heartbeats. */
  readonly presenceIntervalMs: number;
  /** Traffic counters flushed to the bus; default 2000. */
  readonly trafficFlushMs: number;
}

/** What a caller may leave out of a GateConfig. */
export type GateConfigInput = Partial<Omit<GateConfig, 'id' | 'texts'>> & {
  readonly id: string;
  readonly texts?: Partial<GateTexts>;
};

/** Defaults of the player-facing texts. */
export const DEFAULT_TEXTS: GateTexts = Object.freeze({
  motdNoRoute: '§cUnknown server address',
  motdOffline: '§eServer is offline§r\n§7Try again in a moment',
  kickNoRoute: 'No server is configured for this address.',
  kickOffline: 'This server is offline right now. Try again in a moment.',
  kickRateLimited: 'Too many connections from your address. Wait a moment and try again.',
  motdLegacy: 'Use Minecraft 1.7 or newer',
  versionName: 'Gatelink',
});

const invalid = (message: string) => new GatelinkError('GATE_ERR_BAD_CONFIG', message);

/** Fill defaults, check every field once, and freeze. Throws GATE_ERR_BAD_CONFIG. */
export function resolveGateConfig(input: GateConfigInput): GateConfig {
  const config: GateConfig = {
    id: input.id,
    name: input.name ?? input.id,
    region: input.region ?? '',
    listen: Object.freeze({ ...(input.listen ?? { host: '0.0.0.0', port: 25565 }) }),
    publicAddress: input.publicAddress,
    tunnelListen: Object.freeze({ ...(input.tunnelListen ?? { host: '0.0.0.0', port: 25590 }) }),
    advertise: input.advertise,
    tunnelTls: input.tunnelTls ?? true,
    certFile: input.certFile,
    keyFile: input.keyFile,
    dataDir: input.dataDir ?? './data',
    metricsListen: input.metricsListen ? Object.freeze({ ...input.metricsListen }) : undefined,
    proxyProtocolTrusted: Object.freeze([...(input.proxyProtocolTrusted ?? [])]),
    handshakeTimeoutMs: input.handshakeTimeoutMs ?? 5000,
    maxHandshakeBytes: input.maxHandshakeBytes ?? DEFAULT_MAX_HANDSHAKE_BYTES,
    maxHalfOpen: input.maxHalfOpen ?? 2048,
    maxHalfOpenPerAddress: input.maxHalfOpenPerAddress ?? 32,
    statusRate: Object.freeze({ ...(input.statusRate ?? { perSecond: 10, burst: 20 }) }),
    loginRate: Object.freeze({ ...(input.loginRate ?? { perSecond: 3, burst: 10 }) }),
    texts: Object.freeze({ ...DEFAULT_TEXTS, ...input.texts }),
    presenceIntervalMs: input.presenceIntervalMs ?? 2000,
    trafficFlushMs: input.trafficFlushMs ?? 2000,
  };
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(config.id)) {
    throw invalid(`gate id "${config.id}": letters, digits, dot, dash, underscore; at most 64`);
  }
  for (const [name, addr] of [
    ['listen', config.listen],
    ['tunnel listen', config.tunnelListen],
    ...(config.metricsListen ? [['metrics listen', config.metricsListen] as const] : []),
  ] as const) {
    if (!Number.isInteger(addr.port) || addr.port < 0 || addr.port > 65535) {
      throw invalid(`${name} port ${addr.port} is not 0–65535`);
    }
  }
  trustedBlockList(config.proxyProtocolTrusted);
  for (const [name, n, min] of [
    ['handshake timeout', config.handshakeTimeoutMs, 100],
    ['max handshake bytes', config.maxHandshakeBytes, 64],
    ['max half-open', config.maxHalfOpen, 1],
    ['max half-open per address', config.maxHalfOpenPerAddress, 1],
    ['presence interval', config.presenceIntervalMs, 100],
    ['traffic flush interval', config.trafficFlushMs, 100],
  ] as const) {
    if (!Number.isFinite(n) || n < min) throw invalid(`${name} ${n} is below ${min}`);
  }
  if (config.maxHandshakeBytes > 32_768) throw invalid('max handshake bytes above 32768');
  for (const [name, r] of [
    ['status rate', config.statusRate],
    ['login rate', config.loginRate],
  ] as const) {
    if (!(r.perSecond >= 0) || !(r.burst >= 1))
      throw invalid(`${name} needs perSecond >= 0 and burst >= 1`);
  }
  return Object.freeze(config);
}

/** The trusted PROXY senders as a BlockList; throws GATE_ERR_BAD_CONFIG on a bad CIDR or address. */
export function trustedBlockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [addr = '', bits] = entry.trim().split('/');
    const family = isIP(addr);
    if (family === 0) throw invalid(`trusted PROXY source "${entry}" is not an address or CIDR`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) {
      list.addAddress(addr, type);
      continue;
    }
    const prefix = Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      throw invalid(`trusted PROXY source "${entry}" has a bad prefix length`);
    }
    list.addSubnet(addr, prefix, type);
  }
  return list;
}
