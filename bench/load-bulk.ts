import { closeSocket, openSession, type Target } from './client.js';

const CHUNK = Buffer.alloc(256 * 1024, 0x62);

/** Player → backend throughput on one connection, in MB/s (10^6 bytes). */
export async function uploadRate(target: Target, bytes: number): Promise<number> {
  const { socket } = await openSession(target, 'U', bytes);
  try {
    const start = process.hrtime.bigint();
    let closed = false;
    let wake: (() => void) | undefined;
    const done = new Promise<void>((resolve, reject) => {
      socket.once('data', () => resolve());
      socket.once('close', () => {
        closed = true;
        wake?.();
        reject(new Error('upload: connection closed early'));
      });
    });
    done.catch(() => undefined);
    let left = bytes;
    while (left > 0 && !closed) {
      const size = Math.min(left, CHUNK.length);
      left -= size;
      if (!socket.write(size === CHUNK.length ? CHUNK : CHUNK.subarray(0, size))) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          socket.once('drain', resolve);
        });
        socket.removeAllListeners('drain');
      }
    }
    await done;
    return bytes / 1e6 / (Number(process.hrtime.bigint() - start) / 1e9);
  } finally {
    await closeSocket(socket);
  }
}

/** Backend → player throughput on one connection, in MB/s (10^6 bytes). */
export async function downloadRate(target: Target, bytes: number): Promise<number> {
  const { socket, rest } = await openSession(target, 'D', bytes);
  try {
    if (rest.length > 0) throw new Error('download: data before the request');
    const start = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      let received = 0;
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= bytes) resolve();
      });
      socket.once('close', () => reject(new Error(`download: closed after ${received} bytes`)));
      socket.write('G');
    });
    return bytes / 1e6 / (Number(process.hrtime.bigint() - start) / 1e9);
  } finally {
    await closeSocket(socket);
  }
}
