import { SocketAddress } from 'node:net';
import {
  V1ProxyProtocol,
  V2ProxyProtocol,
  IPv4ProxyAddress,
  IPv6ProxyAddress,
} from 'proxy-protocol-js';
import { ProtoErrors } from './minecraft-errors.js';

/** The connection's real endpoints as a PROXY header states them. */
export interface ProxiedAddress {
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly destAddress: string;
  readonly destPort: number;
}

/** Outcome of looking for a PROXY header at the start of a connection. */
export type ProxyHeaderResult =
  /** The bytes so far do not start with a PROXY signature. */
  | { readonly kind: 'none' }
  /** A header has started but is not complete yet. */
  | { readonly kind: 'incomplete' }
  /**
   * A complete header of `consumed` bytes; `address` is null for v2 LOCAL, v1 UNKNOWN and
   * non-IP families (health checks), where the socket's own address stands.
   */
  | { readonly kind: 'header'; readonly address: ProxiedAddress | null; readonly consumed: number };

const V1_SIGNATURE = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
/** The v1 spec bounds a line at 107 bytes, CRLF included. */
const V1_MAX = 107;
/** Addresses plus TLVs a filter may add (SSL info, unique ids); far more than any sends. */
const V2_MAX_PAYLOAD = 2048;

function startsLike(buf: Buffer, signature: Buffer): boolean {
  const n = Math.min(buf.length, signature.length);
  return buf.subarray(0, n).equals(signature.subarray(0, n));
}

/**
 * Look for a PROXY protocol v1 or v2 header at the start of `buf` (call again with more bytes
 * while `incomplete`). Throws PROTO_ERR_BAD_PROXY_HEADER for a malformed or oversized header.
 */
export function parseProxyHeader(buf: Buffer): ProxyHeaderResult {
  if (buf.length === 0) return { kind: 'incomplete' };
  if (startsLike(buf, V2_SIGNATURE)) return parseV2(buf);
  if (startsLike(buf, V1_SIGNATURE)) return parseV1(buf);
  return { kind: 'none' };
}

function parseV1(buf: Buffer): ProxyHeaderResult {
  const end = buf.subarray(0, V1_MAX).indexOf('\r\n');
  if (end === -1) {
    if (buf.length >= V1_MAX)
      throw ProtoErrors.BAD_PROXY_HEADER('PROXY v1 line longer than 107 bytes');
    return { kind: 'incomplete' };
  }
  const line = buf.toString('latin1', 0, end + 2);
  const consumed = end + 2;
  if (line.startsWith('PROXY UNKNOWN')) return { kind: 'header', address: null, consumed };
  try {
    const p = V1ProxyProtocol.parse(line);
    return {
      kind: 'header',
      address: {
        sourceAddress: p.source.ipAddress,
        sourcePort: checkPort(p.source.port),
        destAddress: p.destination.ipAddress,
        destPort: checkPort(p.destination.port),
      },
      consumed,
    };
  } catch (err) {
    throw ProtoErrors.BAD_PROXY_HEADER('malformed PROXY v1 line', err);
  }
}

function parseV2(buf: Buffer): ProxyHeaderResult {
  if (buf.length < 16) return { kind: 'incomplete' };
  const length = buf.readUInt16BE(14);
  if (length > V2_MAX_PAYLOAD)
    throw ProtoErrors.BAD_PROXY_HEADER(`PROXY v2 payload of ${length} bytes`);
  const consumed = 16 + length;
  if (buf.length < consumed) return { kind: 'incomplete' };
  const versionCommand = buf[12] as number;
  if (versionCommand >> 4 !== 2)
    throw ProtoErrors.BAD_PROXY_HEADER('PROXY v2 with a wrong version');
  const command = versionCommand & 0x0f;
  if (command === 0x0) return { kind: 'header', address: null, consumed };
  if (command !== 0x1) throw ProtoErrors.BAD_PROXY_HEADER('PROXY v2 with an unknown command');
  const family = (buf[13] as number) >> 4;
  if (family !== 0x1 && family !== 0x2) return { kind: 'header', address: null, consumed };
  let parsed: V2ProxyProtocol;
  try {
    parsed = V2ProxyProtocol.parse(buf.subarray(0, consumed));
  } catch (err) {
    throw ProtoErrors.BAD_PROXY_HEADER('malformed PROXY v2 header', err);
  }
  const a = parsed.proxyAddress;
  if (a instanceof IPv4ProxyAddress) {
    return {
      kind: 'header',
      address: {
        sourceAddress: a.sourceAddress.address.join('.'),
        sourcePort: a.sourcePort,
        destAddress: a.destinationAddress.address.join('.'),
        destPort: a.destinationPort,
      },
      consumed,
    };
  }
  if (a instanceof IPv6ProxyAddress) {
    return {
      kind: 'header',
      address: {
        sourceAddress: formatIPv6(a.sourceAddress.address),
        sourcePort: a.sourcePort,
        destAddress: formatIPv6(a.destinationAddress.address),
        destPort: a.destinationPort,
      },
      consumed,
    };
  }
  return { kind: 'header', address: null, consumed };
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port ${port}`);
  return port;
}

/** 16 address bytes in the canonical compressed form (`2001:db8::1`). */
function formatIPv6(bytes: readonly number[]): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}
