import { ProtoErrors } from './minecraft-errors.js';
import { readVarInt } from './minecraft-varint.js';

/** Default bound on the whole handshake packet: room for Forge markers and BungeeCord forwarding. */
export const DEFAULT_MAX_HANDSHAKE_BYTES = 4096;
/** Vanilla's bound on the server address; applies to the part before any `\0` marker. */
export const MAX_ADDRESS_CHARS = 255;

/** Next state a handshake asks for: 1 status, 2 login, 3 transfer (1.20.5+). */
export type NextState = 1 | 2 | 3;

/** A decoded handshake packet. */
export interface Handshake {
  readonly protocolVersion: number;
  /** The address field exactly as sent, markers and suffixes included. */
  readonly address: string;
  readonly port: number;
  readonly nextState: NextState;
  /** Normalised host to look the route up by (see `lookupKeyOf`). */
  readonly lookupKey: string;
  /** Bytes the handshake packet took, length prefix included; anything after it is the next packet. */
  readonly consumed: number;
}

/** What the first bytes of a connection turned out to be. */
export type HandshakeResult =
  | { readonly kind: 'handshake'; readonly handshake: Handshake }
  /** A pre-1.7 server-list ping (first byte 0xFE): answered with a legacy kick, never forwarded. */
  | { readonly kind: 'legacy' };

/**
 * The route lookup key of a handshake address: cut at the first `\0` (Forge FML/FML2/FML3,
 * BungeeCord forwarding), at `///` (TCPShield real-IP suffix) and at `\\`, trailing dots
 * trimmed, lowercased.
 */
export function lookupKeyOf(address: string): string {
  let key = address;
  for (const marker of ['\0', '///', '\\\\']) {
    const at = key.indexOf(marker);
    if (at !== -1) key = key.slice(0, at);
  }
  let end = key.length;
  while (end > 0 && key.charCodeAt(end - 1) === 0x2e) end--;
  return key.slice(0, end).toLowerCase();
}

/**
 * Incremental handshake decoder: feed it every chunk read from the player; it keeps all of them
 * (`buffered`) so the Gate can replay them to the backend byte for byte. Throws PROTO_ERR_* as
 * soon as the bytes cannot be a handshake, without waiting for the rest.
 */
export class HandshakeDecoder {
  readonly #maxBytes: number;
  #buf: Buffer = Buffer.alloc(0);

  constructor({ maxBytes = DEFAULT_MAX_HANDSHAKE_BYTES }: { maxBytes?: number } = {}) {
    this.#maxBytes = maxBytes;
  }

  /** Every byte received so far, unchanged. */
  get buffered(): Buffer {
    return this.#buf;
  }

  /**
   * True while the bytes so far are `FE` or `FE xx`: a legacy ping (1.3 sends `FE`, 1.4–1.5
   * `FE 01`, then wait) or a modern handshake whose length VarInt starts with 0xFE. The caller
   * waits a moment for more bytes and treats silence as a legacy ping.
   */
  get maybeLegacy(): boolean {
    return this.#buf[0] === 0xfe && this.#buf.length < 3;
  }

  /** Add bytes; returns the result once the handshake (or a legacy ping) is complete, else null. */
  push(chunk: Buffer): HandshakeResult | null {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    return this.#decode();
  }

  #decode(): HandshakeResult | null {
    const b = this.#buf;
    if (b.length === 0) return null;
    if (b[0] === 0xfe) {
      if (this.maybeLegacy) return null;
      // A modern packet of 254+ bytes has its packet id 0x00 right after a 2-byte length;
      // 1.6 sends `FE 01 FA`.
      if (!((b[1] as number) < 0x80 && b[2] === 0x00)) return { kind: 'legacy' };
    }
    const length = readVarInt(b, 0, 3);
    if (!length) return null;
    if (length.value > this.#maxBytes) {
      throw ProtoErrors.HANDSHAKE_TOO_LARGE(
        `handshake of ${length.value} bytes exceeds ${this.#maxBytes}`,
      );
    }
    if (length.value < 1) throw ProtoErrors.BAD_HANDSHAKE('empty first packet');
    if (b.length > length.size && b[length.size] !== 0x00) {
      throw ProtoErrors.BAD_HANDSHAKE(
        `first packet id 0x${(b[length.size] as number).toString(16)} is not a handshake`,
      );
    }
    const end = length.size + length.value;
    if (b.length < end) return null;
    return {
      kind: 'handshake',
      handshake: parseHandshakeBody(b.subarray(length.size + 1, end), end),
    };
  }
}

function parseHandshakeBody(body: Buffer, consumed: number): Handshake {
  const overrun = () => ProtoErrors.BAD_HANDSHAKE('handshake fields overrun the packet');
  let at = 0;
  const protocol = readVarInt(body, at);
  if (!protocol) throw overrun();
  at += protocol.size;
  const strLen = readVarInt(body, at);
  if (!strLen) throw overrun();
  at += strLen.size;
  if (strLen.value < 0 || at + strLen.value + 3 > body.length) throw overrun();
  const address = body.toString('utf8', at, at + strLen.value);
  at += strLen.value;
  const port = body.readUInt16BE(at);
  at += 2;
  const state = readVarInt(body, at);
  if (!state) throw overrun();
  if (state.value !== 1 && state.value !== 2 && state.value !== 3) {
    throw ProtoErrors.BAD_HANDSHAKE(`unknown next state ${state.value}`);
  }
  const nul = address.indexOf('\0');
  const hostPart = nul === -1 ? address : address.slice(0, nul);
  if (hostPart.length > MAX_ADDRESS_CHARS) {
    throw ProtoErrors.ADDRESS_TOO_LONG(`server address of ${hostPart.length} characters`);
  }
  return {
    protocolVersion: protocol.value,
    address,
    port,
    nextState: state.value,
    lookupKey: lookupKeyOf(address),
    consumed,
  };
}
