import { TunnelProtoErrors } from './tunnel-errors.js';

/** u32 length + u8 tag. */
export const FRAME_HEADER_BYTES = 5;

/** Cap on tag + payload; control messages are small, anything bigger is a broken peer. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** One undecoded frame: its tag and the payload bytes. */
export interface RawFrame {
  readonly tag: number;
  readonly payload: Buffer;
}

/** Frame layout: u32 BE length of (tag + payload), u8 tag, payload. */
export function encodeFrame(tag: number, payload: Buffer): Buffer {
  if (payload.length + 1 > MAX_FRAME_BYTES) {
    throw TunnelProtoErrors.FRAME_TOO_LARGE(
      `frame of ${payload.length + 1} bytes exceeds ${MAX_FRAME_BYTES}`,
    );
  }
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length + 1, 0);
  out.writeUInt8(tag, 4);
  payload.copy(out, FRAME_HEADER_BYTES);
  return out;
}

/**
 * Incremental decoder. Frames are pulled one at a time with `next()` so a caller can stop right
 * after the frame that switches the connection to raw bytes and take the `rest()` unparsed.
 */
export class FrameDecoder {
  #buffer: Buffer = Buffer.alloc(0);
  readonly #maxFrameBytes: number;

  constructor(maxFrameBytes = MAX_FRAME_BYTES) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Add bytes read from the socket. */
  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
  }

  /** The next complete frame, or null when more bytes are needed. Throws PROTO_ERR_* on garbage. */
  next(): RawFrame | null {
    if (this.#buffer.length < 4) return null;
    const length = this.#buffer.readUInt32BE(0);
    if (length === 0) throw TunnelProtoErrors.BAD_FRAME('frame without a tag');
    if (length > this.#maxFrameBytes) {
      throw TunnelProtoErrors.FRAME_TOO_LARGE(
        `frame of ${length} bytes exceeds ${this.#maxFrameBytes}`,
      );
    }
    if (this.#buffer.length < 4 + length) return null;
    const tag = this.#buffer.readUInt8(4);
    // Copy: the payload outlives the shared buffer, which keeps growing.
    const payload = Buffer.from(this.#buffer.subarray(FRAME_HEADER_BYTES, 4 + length));
    this.#buffer = this.#buffer.subarray(4 + length);
    return { tag, payload };
  }

  /** Bytes received after the last frame returned; the decoder is empty afterwards. */
  rest(): Buffer {
    const out = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return out;
  }

  /** Bytes waiting in the decoder. */
  get buffered(): number {
    return this.#buffer.length;
  }
}
