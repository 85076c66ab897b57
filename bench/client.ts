import { connect, type Socket } from 'node:net';
import { encodeRequest, type BackendMode } from './backend.js';
import { encodeHandshake } from './handshake.js';

/** Where a path's players connect, and the domain their handshake names. */
export interface Target {
  readonly port: number;
  readonly domain: string;
}

/** An open connection to the bench backend, past its `R`. */
export interface Session {
  readonly socket: Socket;
  /** Bytes that came after the `R` in the same read. */
  readonly rest: Buffer;
  /** connect() → first byte from the backend, in ms. */
  readonly setupMs: number;
}

/**
 * Connect as a player would (handshake first, in the same write as the request) and wait for
 * the backend's first byte. Rejects on error, early close or timeout, and destroys the socket.
 */
export function openSession(target: Target, mode: BackendMode, count = 0, timeoutMs = 10_000): Promise<Session> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const socket = connect({ port: target.port, host: '127.0.0.1', noDelay: true });
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('timed out waiting for the backend')), timeoutMs);
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('closed before the backend answered')));
    socket.once('connect', () => {
      socket.write(Buffer.concat([encodeHandshake(target.domain), encodeRequest(mode, count)]));
    });
    socket.once('data', (chunk: Buffer) => {
      const setupMs = Number(process.hrtime.bigint() - start) / 1e6;
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      // Errors after set-up are the caller's to notice (close, missing data); never crash the run.
      socket.on('error', () => undefined);
      if (chunk[0] !== 0x52) {
        fail(new Error(`unexpected first byte 0x${chunk[0]?.toString(16)}`));
        return;
      }
      resolve({ socket, rest: chunk.subarray(1), setupMs });
    });
  });
}

/** Close a socket and resolve once it is fully closed. */
export function closeSocket(socket: Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.destroy();
  });
}
