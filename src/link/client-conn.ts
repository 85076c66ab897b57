import type { Socket } from 'node:net';
import { encodeMessage, type TunnelMessage } from '../protocol/tunnel-messages.js';
import { readMessages, type MessageReader } from '../protocol/tunnel-reader.js';
import { LinkErrors } from './errors.js';

const ignoreError = (): void => {};

/**
 * The Link's end of one tunnel connection while it speaks frames. The handshake awaits messages
 * one by one (`next`); afterwards a handler takes them as they come (`handle`).
 */
export class ClientConn {
  readonly socket: Socket;
  readonly reader: MessageReader;
  lastSeen = Date.now();
  #queue: TunnelMessage[] = [];
  #waiter: ((message: TunnelMessage | Error) => void) | null = null;
  #handler: ((message: TunnelMessage) => void) | null = null;
  #failure: Error | null = null;

  constructor(socket: Socket) {
    this.socket = socket;
    this.reader = readMessages(
      socket,
      (message) => {
        this.lastSeen = Date.now();
        if (this.#handler) this.#handler(message);
        else if (this.#waiter) this.#waiter(message);
        else this.#queue.push(message);
      },
      (err) => {
        // A malformed frame ends this connection only.
        this.#fail(err instanceof Error ? err : new Error(String(err)));
        socket.destroy();
      },
    );
    // allowHalfOpen is for raw relaying; a framed connection whose peer stopped sending is over.
    socket.on('end', this.#onEnd);
    // Resets and the like end the connection ('close' follows); never an unhandled 'error'.
    socket.on('error', ignoreError);
    socket.on('close', this.#onClose);
  }

  readonly #onEnd = (): void => {
    if (!this.reader.detached) this.socket.destroy();
  };

  readonly #onClose = (): void => {
    this.#fail(LinkErrors.GATE_CLOSED('the gate closed the connection'));
  };

  /**
   * Hand the socket out raw: stop reading frames and drop what this connection hung on it, so
   * a relayed player keeps none of the framing state alive. Returns the bytes already received
   * past the last frame.
   */
  release(): Buffer {
    const rest = this.reader.detach();
    this.socket.off('end', this.#onEnd);
    this.socket.off('close', this.#onClose);
    this.#handler = null;
    this.#waiter = null;
    return rest;
  }

  /** The next message, or a rejection when the connection closes, breaks or stays silent. */
  next(timeoutMs: number): Promise<TunnelMessage> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = null;
        reject(LinkErrors.GATE_TIMEOUT(`no answer from the gate in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiter = (message) => {
        clearTimeout(timer);
        this.#waiter = null;
        if (message instanceof Error) reject(message);
        else resolve(message);
      };
    });
  }

  /** From now on every message goes to `handler`. */
  handle(handler: (message: TunnelMessage) => void): void {
    this.#handler = handler;
    for (const message of this.#queue.splice(0)) handler(message);
  }

  send(message: TunnelMessage): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(encodeMessage(message));
  }

  destroy(): void {
    this.socket.destroy();
  }

  #fail(err: Error): void {
    if (this.#failure) return;
    this.#failure = err;
    if (this.#waiter) this.#waiter(err);
  }
}
