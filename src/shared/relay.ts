import type { Socket } from 'node:net';

/** After one side closed, how long the other may still flush what it holds before it is cut. */
const FLUSH_GRACE_MS = 10_000;

const kRelay = Symbol('gatelink.relay');

/** What one relayed pair shares; both sockets point at it. */
interface RelayState {
  readonly a: RelaySocket;
  readonly b: RelaySocket;
  open: number;
  firstError: Error | undefined;
  grace: NodeJS.Timeout | undefined;
  readonly onClose: ((err?: Error) => void) | undefined;
}

type RelaySocket = Socket & { [kRelay]?: RelayState };

/**
 * Pipe two sockets both ways, raw: no per-byte work, half-close passed through (a FIN on one
 * side ends the other's writable side), both torn down on an error, and a side left open after
 * the other closed cleanly is given a grace period to flush. `onClose` runs once, when both are
 * closed, with the first error if there was one.
 *
 * A relay lives as long as its player, so it is built to be small: the listeners are the same
 * five functions for every pair (they find their pair through the socket they fire on), where
 * two `pipe()` calls hang about twenty closures and bound functions on each player.
 */
export function relay(a: Socket, b: Socket, onClose?: (err?: Error) => void): void {
  const state: RelayState = {
    a,
    b,
    open: 2,
    firstError: undefined,
    grace: undefined,
    onClose,
  };
  for (const socket of [a, b] as RelaySocket[]) {
    socket[kRelay] = state;
    socket.on('data', onData);
    socket.on('drain', onDrain);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClosed);
    // A socket handed over paused (a tunnel channel whose frame reader stopped) stays paused
    // when a 'data' listener is added; the relay is what starts it again.
    socket.resume();
  }
  // A side whose FIN arrived while it waited paused (the player's during the Link's answer) has
  // emitted 'end' already and will not again: pass that half-close on now.
  for (const socket of [a, b] as RelaySocket[]) if (socket.readableEnded) onEnd.call(socket);
}

function peerOf(socket: RelaySocket): RelaySocket {
  const state = socket[kRelay]!;
  return state.a === socket ? state.b : state.a;
}

function onData(this: RelaySocket, chunk: Buffer): void {
  const peer = peerOf(this);
  // Backpressure: stop reading until the peer has flushed (its 'drain' resumes us).
  if (!peer.write(chunk)) this.pause();
}

function onDrain(this: RelaySocket): void {
  const peer = peerOf(this);
  if (peer.isPaused() && !peer.destroyed) peer.resume();
}

function onEnd(this: RelaySocket): void {
  const peer = peerOf(this);
  if (!peer.destroyed) peer.end();
}

function onError(this: RelaySocket, err: Error): void {
  const state = this[kRelay]!;
  state.firstError ??= err;
  peerOf(this).destroy();
}

function onClosed(this: RelaySocket): void {
  const state = this[kRelay]!;
  const peer = peerOf(this);
  if (state.firstError) peer.destroy();
  else if (!peer.destroyed) {
    peer.end();
    state.grace = setTimeout(destroyPeer, FLUSH_GRACE_MS, peer);
    state.grace.unref();
  }
  if (--state.open === 0) {
    clearTimeout(state.grace);
    state.onClose?.(state.firstError);
  }
}

function destroyPeer(peer: Socket): void {
  peer.destroy();
}
