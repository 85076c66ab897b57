import type { Socket } from 'node:net';

/** After one side closed, how long the other may still flush what it holds before it is cut. */
const FLUSH_GRACE_MS = 10_000;

/**
 * Pipe two sockets both ways, raw: no per-byte work, half-close passed through (a FIN on one
 * side ends the other's writable side), both torn down on an error, and a side left open after
 * the other closed cleanly is given a grace period to flush. `onClose` runs once, when both are
 * closed, with the first error if there was one.
 *
 * `pipe()` rather than `stream.pipeline`: two pipelines hang about ten listeners on each socket,
 * and a data channel already carries a few from the pool it came from.
 */
export function relay(a: Socket, b: Socket, onClose?: (err?: Error) => void): void {
  let firstError: Error | undefined;
  let open = 2;
  const onClosed = (other: Socket) => () => {
    if (firstError) other.destroy();
    else if (!other.destroyed) {
      other.end();
      const timer = setTimeout(() => other.destroy(), FLUSH_GRACE_MS);
      timer.unref();
      other.once('close', () => clearTimeout(timer));
    }
    if (--open === 0) onClose?.(firstError);
  };
  const onError = (other: Socket) => (err: Error) => {
    firstError ??= err;
    other.destroy();
  };
  a.once('close', onClosed(b));
  b.once('close', onClosed(a));
  a.on('error', onError(b));
  b.on('error', onError(a));
  a.pipe(b);
  b.pipe(a);
}
