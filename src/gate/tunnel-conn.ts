import type { Socket } from 'node:net';
import { readMessages, type MessageReader } from '../protocol/tunnel-reader.js';
import { encodeMessage, type TunnelMessage } from '../protocol/tunnel-messages.js';

/** What a connection does with the next message; swapped as the connection changes role. */
export type MessageHandler = (message: TunnelMessage) => void;

const ignoreMessage: MessageHandler = () => {};

/**
 * One accepted tunnel connection while it still speaks frames (handshake, idle in the pool,
 * waiting for the Link's answer to an Open). After the answer it is handed out raw.
 */
export class TunnelConn {
  readonly socket: Socket;
  readonly reader: MessageReader;
  /** ms since epoch of the last frame received; a silent peer is dead after 3 heartbeats. */
  lastSeen = Date.now();
  #handler: MessageHandler;

  constructor(socket: Socket, handler: MessageHandler, onProtocolError: (err: unknown) => void) {
    this.socket = socket;
    this.#handler = handler;
    this.reader = readMessages(
      socket,
      (message) => {
        this.lastSeen = Date.now();
        this.#handler(message);
      },
      onProtocolError,
    );
    // allowHalfOpen is for raw relaying; a framed connection whose peer stopped sending is over.
    socket.on('end', this.#onEnd);
  }

  readonly #onEnd = (): void => {
    if (!this.reader.detached) this.socket.destroy();
  };

  /**
   * Hand the socket out raw: stop reading frames and drop every listener and handler this
   * connection put on it, so a relayed player keeps none of the framing state alive. Returns the
   * bytes already received past the last frame.
   */
  release(): Buffer {
    const rest = this.reader.detach();
    this.socket.off('end', this.#onEnd);
    this.#handler = ignoreMessage;
    return rest;
  }

  /** Route the next messages elsewhere. */
  handle(handler: MessageHandler): void {
    this.#handler = handler;
  }

  send(message: TunnelMessage): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(encodeMessage(message));
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
