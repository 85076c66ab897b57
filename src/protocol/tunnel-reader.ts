import type { Duplex } from 'node:stream';
import { FrameDecoder } from './tunnel-frame.js';
import { decodeMessage, type TunnelMessage } from './tunnel-messages.js';

/** Reads tunnel messages off a socket until detached. */
export interface MessageReader {
  /**
   * Stop reading messages: the socket is paused and the bytes already received after the last
   * message are returned. Safe to call from inside `onMessage` (the switch to raw piping).
   */
  detach(): Buffer;
  readonly detached: boolean;
}

/**
 * Decode every frame arriving on `socket` and hand it to `onMessage`. A malformed or oversize
 * frame calls `onError` once and stops reading; the caller closes that connection only.
 */
export function readMessages(
  socket: Duplex,
  onMessage: (message: TunnelMessage) => void,
  onError: (err: unknown) => void,
): MessageReader {
  const decoder = new FrameDecoder();
  let detached = false;

  const onData = (chunk: Buffer) => {
    decoder.push(chunk);
    try {
      while (!detached) {
        const frame = decoder.next();
        if (!frame) return;
        onMessage(decodeMessage(frame));
      }
    } catch (err) {
      stop();
      onError(err);
    }
  };

  const stop = () => {
    if (detached) return;
    detached = true;
    socket.off('data', onData);
    // Removing the listener alone keeps the stream flowing and would drop bytes.
    socket.pause();
  };

  socket.on('data', onData);

  return {
    detach() {
      stop();
      return decoder.rest();
    },
    get detached() {
      return detached;
    },
  };
}
