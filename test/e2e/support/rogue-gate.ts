/**
 * A Gate impostor that speaks the tunnel protocol from its documented wire format (not from the
 * project's own encoder): to show what a Link does when a Gate asks it for something it must refuse.
 */
import { createHmac, randomBytes } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';

/** Message tags of the tunnel protocol (docs/tunnel-protocol.md). */
export const TAG = {
  challenge: 0x01,
  hello: 0x02,
  welcome: 0x03,
  refused: 0x04,
  ping: 0x05,
  pong: 0x06,
  dataHello: 0x10,
  open: 0x11,
  openOk: 0x12,
  openFailed: 0x13,
} as const;

/** One frame: u32 BE length of tag + payload, u8 tag, JSON payload. */
export function frame(tag: number, fields: Record<string, unknown>): Buffer {
  const payload = Buffer.from(JSON.stringify(fields), 'utf8');
  const out = Buffer.alloc(5 + payload.length);
  out.writeUInt32BE(payload.length + 1, 0);
  out.writeUInt8(tag, 4);
  payload.copy(out, 5);
  return out;
}

/** A connection the Link opened to the impostor, with the frames it sent so far. */
export interface RogueConn {
  readonly socket: net.Socket;
  readonly kind: 'control' | 'data' | 'unknown';
  readonly frames: Array<{ tag: number; body: Record<string, unknown> }>;
  /** Bytes after the frames, once the connection switched to raw relaying (after `openOk`). */
  raw: Buffer;
  /** An `open` was written on it. */
  opened: boolean;
  readonly closed: Promise<void>;
  /** Wait for a frame with `tag`. */
  frameOf(tag: number, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** The impostor: its address, every connection, and the hellos it received. */
export interface RogueGate {
  readonly port: number;
  readonly connections: RogueConn[];
  /** Data channels that proved the session key, waiting for an Open. */
  idleChannels(): RogueConn[];
  /** Hello frames received (they carry the token). */
  readonly hellos: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * Start the impostor on loopback: it welcomes any hello (`sessionKey` below), accepts data
 * channels that sign its nonce with that key, and otherwise just records. With `tlsIdentity`
 * it serves TLS with that key pair.
 */
export async function startRogueGate({
  poolSize = 2,
  tlsIdentity,
}: { poolSize?: number; tlsIdentity?: { key: string; cert: string } } = {}): Promise<RogueGate> {
  const sessionKey = randomBytes(32);
  const connections: RogueConn[] = [];
  const hellos: Array<Record<string, unknown>> = [];
  const sockets = new Set<net.Socket>();

  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    const nonce = randomBytes(32);
    let buf = Buffer.alloc(0);
    let raw = false;
    const waiters: Array<() => void> = [];
    const conn: RogueConn = {
      socket,
      kind: 'unknown',
      frames: [],
      raw: Buffer.alloc(0),
      opened: false,
      closed: new Promise<void>((resolve) => socket.once('close', () => resolve())),
      frameOf(tag, timeoutMs = 5000) {
        return new Promise((resolve, reject) => {
          const check = () => {
            const hit = conn.frames.find((f) => f.tag === tag);
            if (!hit) return false;
            clearTimeout(timer);
            resolve(hit.body);
            return true;
          };
          const timer = setTimeout(
            () => reject(new Error(`no frame 0x${tag.toString(16)} in ${timeoutMs} ms`)),
            timeoutMs,
          );
          if (!check()) waiters.push(() => void check());
        });
      },
    };
    connections.push(conn);
    socket.once('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      if (raw) {
        conn.raw = Buffer.concat([conn.raw, chunk]);
        return;
      }
      buf = Buffer.concat([buf, chunk]);
      while (!raw && buf.length >= 5 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const length = buf.readUInt32BE(0);
        const tag = buf.readUInt8(4);
        const body = JSON.parse(buf.subarray(5, 4 + length).toString('utf8')) as Record<
          string,
          unknown
        >;
        buf = buf.subarray(4 + length);
        conn.frames.push({ tag, body });
        if (tag === TAG.hello) {
          hellos.push(body);
          (conn as { kind: RogueConn['kind'] }).kind = 'control';
          socket.write(
            frame(TAG.welcome, {
              sessionId: 'rogue-session',
              sessionKey: sessionKey.toString('hex'),
              gateId: 'rogue',
              agentId: 7,
              poolSize,
              heartbeatMs: 5000,
            }),
          );
        } else if (tag === TAG.dataHello) {
          const mac = createHmac('sha256', sessionKey).update(nonce).digest('hex');
          if (body['mac'] === mac) (conn as { kind: RogueConn['kind'] }).kind = 'data';
          else socket.destroy();
        } else if (tag === TAG.openOk) {
          // The Link relays raw backend bytes from here on.
          raw = true;
        } else if (tag === TAG.ping) {
          socket.write(frame(TAG.pong, { time: body['time'] }));
        }
        for (const w of waiters.splice(0)) w();
      }
      if (raw && buf.length) {
        conn.raw = Buffer.concat([conn.raw, buf]);
        buf = Buffer.alloc(0);
      }
    });
    socket.write(frame(TAG.challenge, { version: 1, nonce: nonce.toString('hex') }));
  };

  const server = tlsIdentity
    ? tls.createServer({ key: tlsIdentity.key, cert: tlsIdentity.cert }, onConnection)
    : net.createServer(onConnection);
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    hellos,
    idleChannels: () =>
      connections.filter((c) => c.kind === 'data' && !c.opened && !c.socket.destroyed),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Write an `open` for `routeId` on an idle data channel, followed by `bytes` (the player's first bytes). */
export function sendOpen(
  conn: RogueConn,
  routeId: number,
  bytes: Buffer,
  address = {
    sourceAddress: '203.0.113.9',
    sourcePort: 40000,
    destAddress: '127.0.0.1',
    destPort: 25565,
  },
): void {
  conn.opened = true;
  conn.socket.write(Buffer.concat([frame(TAG.open, { routeId, ...address }), bytes]));
}

/** Frames read from a socket as they arrive (for speaking to a real Gate as a rogue Link). */
export function frameReader(socket: net.Socket): {
  next(timeoutMs?: number): Promise<{ tag: number; body: Record<string, unknown> }>;
} {
  let buf = Buffer.alloc(0);
  const queue: Array<{ tag: number; body: Record<string, unknown> }> = [];
  let wake: (() => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 5 && buf.length >= 4 + buf.readUInt32BE(0)) {
      const length = buf.readUInt32BE(0);
      queue.push({
        tag: buf.readUInt8(4),
        body: JSON.parse(buf.subarray(5, 4 + length).toString('utf8')) as Record<string, unknown>,
      });
      buf = buf.subarray(4 + length);
    }
    wake?.();
  });
  socket.on('close', () => wake?.());
  return {
    async next(timeoutMs = 3000) {
      const until = Date.now() + timeoutMs;
      while (queue.length === 0) {
        if (socket.destroyed || Date.now() > until) throw new Error('no frame');
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      return queue.shift()!;
    },
  };
}
