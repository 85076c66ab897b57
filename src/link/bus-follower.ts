import type { Bus } from '../bus/bus.js';
import type { LinkView, Unsubscribe } from '../bus/types.js';
import type { Logger } from '../shared/logger.js';
import { hashToken } from '../shared/token-hash.js';
import { checkLinkView } from './view-check.js';
import type { ViewSource } from './view-source.js';

/** What the redis-mode view source needs. */
export interface BusFollowerOptions {
  readonly bus: Bus;
  /** The agent token; only its SHA-256 is used, as the bus key. */
  readonly token: string;
  readonly log: Logger;
}

/**
 * The redis-mode view source: follows this agent's view on the bus. The bus heals missed
 * notifications itself; when it is unreachable the Link keeps the last view it delivered.
 */
export function createBusFollower({ bus, token, log }: BusFollowerOptions): ViewSource {
  let unsubscribe: Unsubscribe | null = null;
  let current: LinkView | null = null;
  return {
    async start(listener) {
      unsubscribe = bus.watchLinkView(hashToken(token), (raw) => {
        if (raw === null) {
          // Before the first view there is nothing to take down; afterwards null means the agent is gone.
          if (current === null) return;
          current = null;
          listener(null);
          return;
        }
        const view = checkLinkView(raw);
        if (!view) {
          log.warn('ignored a link view of the wrong shape');
          return;
        }
        if (current && view.version < current.version) return;
        current = view;
        listener(view);
      });
    },
    async close() {
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
