import { closeSocket, openSession, type Target } from './client.js';
import { percentiles } from './stats.js';

/** Size of one request and of its echo. */
export const MESSAGE_SIZE = 64;
const WARMUP = 200;

/**
 * Round trips of a 64-byte message on one connection for `durationMs` after a short warm-up;
 * p50/p99 in ms.
 */
export async function pingPong(target: Target, durationMs: number): Promise<{ p50: number; p99: number; count: number }> {
  const { socket } = await openSession(target, 'E');
  const message = Buffer.alloc(MESSAGE_SIZE, 0x70);
  const samples: number[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let received = 0;
      let sent = 0;
      let start = 0n;
      let deadline = Number.POSITIVE_INFINITY;
      const send = (): void => {
        sent++;
        start = process.hrtime.bigint();
        socket.write(message);
      };
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received < MESSAGE_SIZE) return;
        if (received > MESSAGE_SIZE) {
          reject(new Error('ping-pong: more bytes than sent'));
          return;
        }
        received = 0;
        const rtt = Number(process.hrtime.bigint() - start) / 1e6;
        if (sent === WARMUP) deadline = Date.now() + durationMs;
        if (sent > WARMUP) samples.push(rtt);
        if (Date.now() >= deadline) resolve();
        else send();
      });
      socket.once('close', () => reject(new Error('ping-pong: connection closed')));
      send();
    });
  } finally {
    await closeSocket(socket);
  }
  return { ...percentiles(samples), count: samples.length };
}
