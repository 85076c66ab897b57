import { closeSocket, openSession, type Session, type Target } from './client.js';
import { MESSAGE_SIZE } from './load-ping-pong.js';

/**
 * Echoed 64-byte messages per second over `connections` concurrent connections, each running
 * a closed loop (send, wait for the echo, send again) for `durationMs`.
 */
export async function messageRate(target: Target, connections: number, durationMs: number): Promise<number> {
  const opened = await Promise.allSettled(Array.from({ length: connections }, () => openSession(target, 'E')));
  const sessions: Session[] = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(sessions.map(({ socket }) => closeSocket(socket)));
    throw failed.reason;
  }
  const message = Buffer.alloc(MESSAGE_SIZE, 0x6d);
  let counting = false;
  let completed = 0;
  let stopped = false;
  const loops = sessions.map(
    ({ socket }) =>
      new Promise<void>((resolve, reject) => {
        let received = 0;
        socket.on('data', (chunk: Buffer) => {
          received += chunk.length;
          while (received >= MESSAGE_SIZE) {
            received -= MESSAGE_SIZE;
            if (counting) completed++;
            if (stopped) {
              resolve();
              return;
            }
            socket.write(message);
          }
        });
        socket.once('close', () => (stopped ? resolve() : reject(new Error('message rate: connection closed'))));
        socket.write(message);
      }),
  );
  try {
    // A short warm-up lets every loop reach its pace before the window opens.
    await new Promise((r) => setTimeout(r, Math.min(500, durationMs / 4)));
    counting = true;
    const start = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, durationMs));
    counting = false;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const rate = completed / seconds;
    stopped = true;
    await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 2000))]);
    return rate;
  } finally {
    await Promise.all(sessions.map(({ socket }) => closeSocket(socket)));
  }
}
