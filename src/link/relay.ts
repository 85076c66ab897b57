import type { Socket } from 'node:net';

/** After an abnormal close, how long the other side may still flush what it was given. */
const FLUSH_GRACE_MS = 10_000;

/**
 * Pipe two sockets both ways: raw bytes, no per-byte work, half-close passed through, and both
 * torn down on an error. Resolves once both are closed.
 */
export function relay(a: Socket, b: Socket): Promise<void> {
  return new Promise((resolve) => {
    let closed = 0;
    const onClosed = (other: Socket) => (hadError: boolean) => {
      if (++closed === 2) resolve();
      if (other.destroyed) return;
      if (hadError) {
        other.destroy();
        return;
      }
      // A clean close: let the other side flush what it still holds, then let it go.
      other.end();
      const timer = setTimeout(() => other.destroy(), FLUSH_GRACE_MS);
      timer.unref();
      other.once('close', () => clearTimeout(timer));
    };
    a.once('close', onClosed(b));
    b.once('close', onClosed(a));
    a.on('error', () => b.destroy());
    b.on('error', () => a.destroy());
    a.pipe(b);
    b.pipe(a);
  });
}
