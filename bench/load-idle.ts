import type { Socket } from 'node:net';
import { closeSocket, openSession, type Target } from './client.js';

/** Many idle players holding their connections open. */
export interface IdlePlayers {
  readonly opened: number;
  /** Connections that failed to open, plus those that closed while idle. */
  errors(): number;
  close(): Promise<void>;
}

/**
 * Open `count` player connections (handshake, then silence), at most `parallel` setting up at
 * once, and keep them open until `close`.
 */
export async function openIdlePlayers(target: Target, count: number, parallel: number): Promise<IdlePlayers> {
  const sockets: Socket[] = [];
  let failedToOpen = 0;
  let droppedWhileIdle = 0;
  let closing = false;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      try {
        const { socket } = await openSession(target, 'H', 0, 10_000);
        socket.once('close', () => {
          if (!closing) droppedWhileIdle++;
        });
        sockets.push(socket);
      } catch {
        failedToOpen++;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return {
    opened: sockets.length,
    errors: () => failedToOpen + droppedWhileIdle,
    async close() {
      closing = true;
      await Promise.all(sockets.map(closeSocket));
    },
  };
}
