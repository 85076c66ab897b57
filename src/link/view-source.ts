import type { LinkView } from '../bus/types.js';

/**
 * Where a Link's view comes from: the Hub's pushes (push mode) or the bus (redis mode).
 * A source delivers only views newer than the last one it delivered; `null` means the agent
 * no longer exists.
 */
export interface ViewSource {
  /** Start delivering; resolves once the source is ready (listening, subscribed). */
  start(listener: (view: LinkView | null) => void): Promise<void>;
  close(): Promise<void>;
}

/** A source fed by hand: tests, and embedding a Link in a process that already has its view. */
export function createManualViewSource(): ViewSource & { push(view: LinkView | null): void } {
  let listener: ((view: LinkView | null) => void) | null = null;
  let pending: { view: LinkView | null } | null = null;
  return {
    async start(l) {
      listener = l;
      if (pending) l(pending.view);
      pending = null;
    },
    push(view) {
      if (listener) listener(view);
      else pending = { view };
    },
    async close() {
      listener = null;
    },
  };
}
