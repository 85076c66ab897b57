import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.js';

/** Shared pub/sub connection: channels are subscribed while at least one handler wants them. */
export interface Subscriber {
  on(channel: string, handler: () => void): () => void;
}

/**
 * Wrap a dedicated connection. ioredis re-subscribes by itself after a reconnect; the bus
 * re-reads everything then, since notifications sent meanwhile are lost.
 */
export function createSubscriber(client: Redis, log: Logger): Subscriber {
  const handlers = new Map<string, Set<() => void>>();

  client.on('message', (channel: string) => {
    for (const handler of handlers.get(channel) ?? []) handler();
  });

  const quietly = (p: Promise<unknown>, what: string, channel: string) =>
    p.catch((err: Error) => log.debug({ channel, err: err.message }, `redis bus: ${what} failed`));

  return {
    on(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        // A change made before the subscription took effect was not announced to us:
        // once it is confirmed, every handler re-reads.
        void quietly(
          client.subscribe(channel).then(() => {
            for (const h of handlers.get(channel) ?? []) h();
          }),
          'subscribe',
          channel,
        );
      }
      set.add(handler);
      return () => {
        const current = handlers.get(channel);
        if (!current) return;
        current.delete(handler);
        if (current.size === 0) {
          handlers.delete(channel);
          if (client.status === 'ready')
            void quietly(client.unsubscribe(channel), 'unsubscribe', channel);
        }
      };
    },
  };
}
