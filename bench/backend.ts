import { createServer, type Server, type Socket } from 'node:net';
import { framedLength } from './handshake.js';

/**
 * The bench backend speaks a tiny protocol after the Minecraft handshake, which it swallows:
 * the client sends a 5-byte request (mode byte + u32 byte count), the backend answers `R`, then
 *  - `E` echo: every byte comes back;
 *  - `U` upload: the backend counts `count` bytes, then answers `K`;
 *  - `D` download: on one byte `G` from the client, the backend sends `count` bytes;
 *  - `H` hold: nothing more (idle players, set-up time).
 */
export type BackendMode = 'E' | 'U' | 'D' | 'H';

/** Size of the request that follows the handshake. */
export const REQUEST_SIZE = 5;

/** The request a client sends right after its handshake. */
export function encodeRequest(mode: BackendMode, count = 0): Buffer {
  const request = Buffer.alloc(REQUEST_SIZE);
  request.write(mode, 0, 'latin1');
  request.writeUInt32BE(count, 1);
  return request;
}

const READY = Buffer.from('R');
const DONE = Buffer.from('K');
const CHUNK = Buffer.alloc(256 * 1024, 0x61);

function download(socket: Socket, count: number): void {
  let left = count;
  const pump = (): void => {
    while (left > 0) {
      const size = Math.min(left, CHUNK.length);
      left -= size;
      if (!socket.write(size === CHUNK.length ? CHUNK : CHUNK.subarray(0, size))) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  let pending: Buffer = Buffer.alloc(0);
  const onHeader = (chunk: Buffer): void => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const handshake = framedLength(pending);
    if (handshake < 0 || pending.length < handshake + REQUEST_SIZE) return;
    socket.off('data', onHeader);
    const mode = String.fromCharCode(pending[handshake]!) as BackendMode;
    const count = pending.readUInt32BE(handshake + 1);
    const rest = pending.subarray(handshake + REQUEST_SIZE);
    pending = Buffer.alloc(0);
    socket.write(READY);
    start(socket, mode, count, rest);
  };
  socket.on('data', onHeader);
}

function start(socket: Socket, mode: BackendMode, count: number, rest: Buffer): void {
  switch (mode) {
    case 'E': {
      const echo = (chunk: Buffer): void => void socket.write(chunk);
      if (rest.length > 0) echo(rest);
      socket.on('data', echo);
      return;
    }
    case 'U': {
      let received = 0;
      const count_ = (chunk: Buffer): void => {
        received += chunk.length;
        if (received >= count) {
          socket.off('data', count_);
          socket.write(DONE);
        }
      };
      if (rest.length > 0) count_(rest);
      socket.on('data', count_);
      return;
    }
    case 'D': {
      const go = (): void => download(socket, count);
      if (rest.length > 0) go();
      else socket.once('data', go);
      return;
    }
    default:
      socket.on('data', () => undefined);
  }
}

/** Start one backend listener per path on 127.0.0.1, so paths never share a port's TIME_WAIT space. */
export async function startBackends(count: number): Promise<{ servers: Server[]; ports: number[] }> {
  const servers: Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = createServer({ noDelay: true }, serve);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, resolve);
    });
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('backend: no address');
    servers.push(server);
    ports.push(address.port);
  }
  return { servers, ports };
}
