import { ProtoErrors } from './minecraft-errors.js';
import { encodeVarInt, readVarInt } from './minecraft-varint.js';

/** A JSON text component (chat), as status descriptions and disconnect reasons carry it. */
export type TextComponent = string | { readonly text: string; readonly [key: string]: unknown };

/** The status response JSON a server-list ping shows. */
export interface StatusResponse {
  readonly version: { readonly name: string; readonly protocol: number };
  readonly players: { readonly max: number; readonly online: number };
  readonly description: TextComponent;
  readonly [key: string]: unknown;
}

/** One uncompressed packet read from a buffer. */
export interface RawPacket {
  readonly id: number;
  readonly body: Buffer;
  /** Bytes taken, length prefix included. */
  readonly size: number;
}

/** Frame a packet: VarInt length, VarInt id, body. */
export function encodePacket(id: number, body: Buffer): Buffer {
  const idBytes = encodeVarInt(id);
  return Buffer.concat([encodeVarInt(idBytes.length + body.length), idBytes, body]);
}

/** A protocol String: VarInt byte length then UTF-8. */
export function encodeString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([encodeVarInt(bytes.length), bytes]);
}

/** Read a protocol String at `offset` of a complete body; throws PROTO_ERR_BAD_PACKET when it overruns. */
export function readString(body: Buffer, offset = 0): { value: string; size: number } {
  const len = readVarInt(body, offset);
  if (!len || len.value < 0 || offset + len.size + len.value > body.length) {
    throw ProtoErrors.BAD_PACKET('string overruns the packet');
  }
  const start = offset + len.size;
  return { value: body.toString('utf8', start, start + len.value), size: len.size + len.value };
}

/**
 * Read one uncompressed packet at `offset`; null until it is complete. Throws PROTO_ERR_BAD_PACKET
 * when its declared length exceeds `maxBytes`.
 */
export function readPacket(buf: Buffer, offset = 0, maxBytes = 32_768): RawPacket | null {
  const len = readVarInt(buf, offset, 3);
  if (!len) return null;
  if (len.value < 1 || len.value > maxBytes)
    throw ProtoErrors.BAD_PACKET(`packet of ${len.value} bytes`);
  const start = offset + len.size;
  if (buf.length < start + len.value) return null;
  const id = readVarInt(buf, start);
  if (!id || id.size > len.value) throw ProtoErrors.BAD_PACKET('packet id overruns the packet');
  return {
    id: id.value,
    body: buf.subarray(start + id.size, start + len.value),
    size: len.size + len.value,
  };
}

/** Status state 0x00 (clientbound): the server-list JSON. */
export function encodeStatusResponse(status: StatusResponse | string): Buffer {
  return encodePacket(
    0x00,
    encodeString(typeof status === 'string' ? status : JSON.stringify(status)),
  );
}

/** Status state 0x01 (clientbound): echoes the 8-byte payload of the client's ping. */
export function encodePong(payload: Buffer): Buffer {
  return encodePacket(0x01, payload);
}

/** Login state 0x00 (clientbound): disconnect with a JSON text component, in every version. */
export function encodeLoginDisconnect(reason: TextComponent): Buffer {
  const component = typeof reason === 'string' ? { text: reason } : reason;
  return encodePacket(0x00, encodeString(JSON.stringify(component)));
}

/** The JSON of a status response packet (id 0x00) at the start of `buf`; null when incomplete or not one. */
export function decodeStatusResponse(buf: Buffer): string | null {
  const packet = readPacket(buf);
  if (!packet || packet.id !== 0x00) return null;
  return readString(packet.body).value;
}
