import { ProtoErrors } from './minecraft-errors.js';

/** The protocol never uses a VarInt longer than this. */
export const MAX_VARINT_BYTES = 5;

/** A decoded VarInt and how many bytes it took. */
export interface VarIntRead {
  readonly value: number;
  readonly size: number;
}

/**
 * Read a VarInt at `offset`. Returns null when the buffer ends before the VarInt does (read more);
 * throws PROTO_ERR_VARINT_TOO_LONG past `maxBytes`.
 */
export function readVarInt(
  buf: Uint8Array,
  offset = 0,
  maxBytes = MAX_VARINT_BYTES,
): VarIntRead | null {
  let value = 0;
  for (let i = 0; i < maxBytes; i++) {
    const at = offset + i;
    if (at >= buf.length) return null;
    const byte = buf[at] as number;
    value |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) return { value: value | 0, size: i + 1 };
  }
  throw ProtoErrors.VARINT_TOO_LONG(`VarInt longer than ${maxBytes} bytes`);
}

/** Number of bytes `value` takes as a VarInt. */
export function varIntSize(value: number): number {
  let v = value >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

/** Encode a 32-bit integer as a VarInt (negative values take 5 bytes, as in the protocol). */
export function encodeVarInt(value: number): Buffer {
  const out = Buffer.allocUnsafe(varIntSize(value));
  let v = value >>> 0;
  let i = 0;
  while (v >= 0x80) {
    out[i++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[i] = v;
  return out;
}
