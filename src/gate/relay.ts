import type { Socket } from 'node:net';
import { pipeline } from 'node:stream';

/** How long one side may stay open after the other closed cleanly, to flush and send its FIN. */
const LINGER_MS = 10_000;

/**
 * Pipe a player and a backend channel both ways, raw: `head` (backend bytes that came with the
 * Link's answer) first, then everything unchanged. Half-close passes through; an error on either
 * side destroys both; a side left open after the other closed is destroyed after a grace period.
 * `onClose` runs once, when both sockets are closed.
 */
export function relay(
  player: Socket,
  channel: Socket,
  head: Buffer,
  onClose: (err?: Error) => void,
): void {
  channel.setNoDelay(true);
  if (head.length > 0) player.write(head);
  let firstError: Error | undefined;
  const fail = (err: Error | null | undefined) => {
    if (!err) return;
    firstError ??= err;
    player.destroy();
    channel.destroy();
  };
  pipeline(player, channel, fail);
  pipeline(channel, player, fail);

  let open = 2;
  const linger = (other: Socket) => {
    if (other.destroyed) return;
    setTimeout(() => other.destroy(), LINGER_MS).unref();
  };
  const closed = () => {
    if (--open === 0) onClose(firstError);
  };
  player.once('close', () => {
    linger(channel);
    closed();
  });
  channel.once('close', () => {
    linger(player);
    closed();
  });
}
