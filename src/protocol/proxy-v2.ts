import { isIPv4, isIPv6 } from 'node:net';

/** The 12-byte signature every PROXY protocol v2 header starts with. */
export const PROXY_V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);

/** The endpoints of one proxied TCP connection. */
export interface ProxyAddresses {
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly destAddress: string;
  readonly destPort: number;
}

// `::ffff:1.2.3.4` is how a dual-stack listener reports an IPv4 peer; the backend wants IPv4.
function unmapV4(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m?.[1] ?? address;
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map((part) => Number(part)));
}

function ipv6Bytes(address: string): Buffer {
  let text = address.replace(/%.*$/, '');
  // A trailing dotted quad (`::ffff:1.2.3.4`) becomes two hex groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1]) {
    const b = ipv4Bytes(quad[1]);
    text =
      text.slice(0, -quad[1].length) +
      `${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/**
 * A PROXY protocol v2 header (command PROXY, TCP over IPv4 or IPv6) telling the backend the
 * player's real address. Mixed families are written as IPv6 (IPv4 mapped), as the spec allows.
 */
export function encodeProxyV2(addresses: ProxyAddresses): Buffer {
  const src = unmapV4(addresses.sourceAddress);
  const dst = unmapV4(addresses.destAddress);
  if (!(isIPv4(src) || isIPv6(src)) || !(isIPv4(dst) || isIPv6(dst))) {
    throw new TypeError('PROXY v2 needs IP addresses');
  }
  const v4 = isIPv4(src) && isIPv4(dst);
  const toBytes = (a: string) =>
    v4 ? ipv4Bytes(a) : isIPv4(a) ? ipv6Bytes(`::ffff:${a}`) : ipv6Bytes(a);
  const addressBlock = Buffer.concat([
    toBytes(src),
    toBytes(dst),
    Buffer.from([
      addresses.sourcePort >> 8,
      addresses.sourcePort & 0xff,
      addresses.destPort >> 8,
      addresses.destPort & 0xff,
    ]),
  ]);
  const header = Buffer.alloc(16);
  PROXY_V2_SIGNATURE.copy(header, 0);
  header[12] = 0x21; // version 2, command PROXY
  header[13] = v4 ? 0x11 : 0x21; // AF_INET / AF_INET6, SOCK_STREAM
  header.writeUInt16BE(addressBlock.length, 14);
  return Buffer.concat([header, addressBlock]);
}
