/** Byte-level tools: hand-made Minecraft packets, a recording TCP backend, a PROXY v2 parser. */
import net, { type AddressInfo } from 'node:net';
import { listenLoopback, type LoopbackServer } from './loopback-server.js';
import { waitFor } from './wait.js';

/** A Minecraft VarInt. */
export function varInt(value: number): Buffer {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return Buffer.from(out);
}

/** One length-prefixed packet: VarInt length, VarInt id, body. */
export function packet(id: number, body: Buffer): Buffer {
  const inner = Buffer.concat([varInt(id), body]);
  return Buffer.concat([varInt(inner.length), inner]);
}

/** A string as Minecraft writes it: VarInt byte length, UTF-8. */
export function mcString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([varInt(bytes.length), bytes]);
}

/** The handshake packet (id 0x00) with the address field exactly as given (Forge markers included). */
export function handshake(
  address: string,
  { protocol = 767, port = 25565, nextState = 2 } = {},
): Buffer {
  const portBytes = Buffer.alloc(2);
  portBytes.writeUInt16BE(port);
  return packet(
    0x00,
    Buffer.concat([varInt(protocol), mcString(address), portBytes, varInt(nextState)]),
  );
}

/** A 1.21 Login Start (name + UUID). */
export function loginStart(name: string): Buffer {
  return packet(0x00, Buffer.concat([mcString(name), Buffer.alloc(16, 0x11)]));
}

/** The first bytes of a player logging in as `name` through the host name `address`. */
export function loginBytes(address: string, name: string): Buffer {
  return Buffer.concat([handshake(address, { nextState: 2 }), loginStart(name)]);
}

/** A TCP server on loopback that records every byte each connection sends, and can answer. */
export interface RecordingBackend {
  readonly port: number;
  /** One buffer list per accepted connection, in order. */
  readonly connections: Buffer[][];
  /** Everything connection `i` sent so far. */
  bytes(i: number): Buffer;
  /** Wait until connection `i` has sent at least `n` bytes. */
  waitBytes(i: number, n: number, timeoutMs?: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Start a recording backend; `reply` (optional) is written to each connection once it sends something. */
export async function startRecordingBackend(reply?: Buffer): Promise<RecordingBackend> {
  const connections: Buffer[][] = [];
  const server = await listenLoopback((socket) => {
    const chunks: Buffer[] = [];
    connections.push(chunks);
    let replied = false;
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      if (reply && !replied) {
        replied = true;
        socket.write(reply);
      }
    });
  });
  const bytes = (i: number) => Buffer.concat(connections[i] ?? []);
  return {
    port: server.port,
    connections,
    bytes,
    async waitBytes(i, n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (bytes(i).length < n) {
        if (Date.now() > until) {
          throw new Error(
            `backend connection ${i} sent ${bytes(i).length} of ${n} bytes in ${timeoutMs} ms`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return bytes(i);
    },
    close: () => server.close(),
  };
}

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A raw client socket to the Gate that collects what it receives. */
export interface RawClient {
  readonly socket: net.Socket;
  received(): Buffer;
  readonly closed: Promise<void>;
}

/** Connect to `port` on loopback, write `bytes`, collect the answer. */
export async function rawConnect(
  port: number,
  bytes: Buffer[],
  { allowHalfOpen = false } = {},
): Promise<RawClient> {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  for (const b of bytes) socket.write(b);
  return { socket, received: () => Buffer.concat(chunks), closed };
}

/**
 * Send `bytes` to the Gate on `gatePort` and wait for the connection it opens to `backend`:
 * what that connection carried once it reached `length` bytes, and the client's own port.
 */
export async function relayToBackend(
  gatePort: number,
  bytes: Buffer[],
  backend: RecordingBackend,
  length: number,
): Promise<{ got: Buffer; clientPort: number }> {
  const before = backend.connections.length;
  const client = await rawConnect(gatePort, bytes);
  try {
    await waitFor(() => backend.connections.length > before, { what: 'a backend connection' });
    return { got: await backend.waitBytes(before, length), clientPort: client.socket.localPort! };
  } finally {
    client.socket.destroy();
  }
}

/** The 12-byte signature every PROXY protocol v2 header starts with. */
export const PROXY_V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

/** A decoded PROXY v2 header (TCP over IPv4 or IPv6). */
export interface ProxyV2Header {
  readonly command: 'LOCAL' | 'PROXY';
  readonly family: 'TCP4' | 'TCP6' | 'other';
  readonly sourceAddress: string;
  readonly destAddress: string;
  readonly sourcePort: number;
  readonly destPort: number;
  /** Header length in bytes; the stream's own bytes follow. */
  readonly length: number;
}

function ipv6(buf: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(i).toString(16));
  const text = groups.join(':');
  // ::ffff:a.b.c.d stays readable as the IPv4 it maps.
  if (text.startsWith('0:0:0:0:0:ffff:')) return `::ffff:${[...buf.subarray(12)].join('.')}`;
  return text;
}

/** Parse a PROXY v2 header at the start of `buf`; throws if there is none. */
export function parseProxyV2(buf: Buffer): ProxyV2Header {
  if (buf.length < 16 || !buf.subarray(0, 12).equals(PROXY_V2_SIGNATURE))
    throw new Error('no PROXY v2 signature');
  const verCmd = buf[12]!;
  if (verCmd >> 4 !== 2) throw new Error(`PROXY version ${verCmd >> 4}`);
  const famProto = buf[13]!;
  const len = buf.readUInt16BE(14);
  const body = buf.subarray(16, 16 + len);
  const command = (verCmd & 0x0f) === 1 ? 'PROXY' : 'LOCAL';
  if (famProto === 0x11) {
    return {
      command,
      family: 'TCP4',
      sourceAddress: [...body.subarray(0, 4)].join('.'),
      destAddress: [...body.subarray(4, 8)].join('.'),
      sourcePort: body.readUInt16BE(8),
      destPort: body.readUInt16BE(10),
      length: 16 + len,
    };
  }
  if (famProto === 0x21) {
    return {
      command,
      family: 'TCP6',
      sourceAddress: ipv6(body.subarray(0, 16)),
      destAddress: ipv6(body.subarray(16, 32)),
      sourcePort: body.readUInt16BE(32),
      destPort: body.readUInt16BE(34),
      length: 16 + len,
    };
  }
  return {
    command,
    family: 'other',
    sourceAddress: '',
    destAddress: '',
    sourcePort: 0,
    destPort: 0,
    length: 16 + len,
  };
}

/**
 * A TCP backend that echoes every byte and, once the client half-closes, writes `trailer` and
 * closes its side too: shows bytes and FINs pass both ways unchanged.
 */
export function startEchoBackend(trailer = '|bye'): Promise<LoopbackServer> {
  return listenLoopback(
    (socket) => {
      socket.on('data', (d: Buffer) => socket.write(d));
      socket.on('end', () => socket.end(trailer));
    },
    { allowHalfOpen: true },
  );
}

/** Read a VarInt at `offset`; null when the buffer ends first. */
export function readVarInt(buf: Buffer, offset: number): { value: number; size: number } | null {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (offset + i >= buf.length) return null;
    const byte = buf[offset + i]!;
    value |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) return { value, size: i + 1 };
  }
  throw new Error('VarInt longer than 5 bytes');
}

/** Split uncompressed Minecraft packets: id and body of each complete one. */
export function splitPackets(buf: Buffer): Array<{ id: number; body: Buffer }> {
  const out: Array<{ id: number; body: Buffer }> = [];
  let offset = 0;
  for (;;) {
    const length = readVarInt(buf, offset);
    if (!length || offset + length.size + length.value > buf.length) return out;
    const start = offset + length.size;
    const id = readVarInt(buf, start)!;
    out.push({ id: id.value, body: buf.subarray(start + id.size, start + length.value) });
    offset = start + length.value;
  }
}

/** The Minecraft string (VarInt length, UTF-8) at the start of `buf`. */
export function readMcString(buf: Buffer): string {
  const length = readVarInt(buf, 0);
  if (!length) throw new Error('truncated string');
  return buf.subarray(length.size, length.size + length.value).toString('utf8');
}

/** A TCP backend that answers the first bytes of each connection with `size` bytes, then closes. */
export function startBlobBackend(size: number): Promise<LoopbackServer> {
  return listenLoopback((socket) => {
    socket.once('data', () => socket.end(Buffer.alloc(size, 0x42)));
  });
}
