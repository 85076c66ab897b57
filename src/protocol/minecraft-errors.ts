import { defineError } from '../shared/errors.js';

/** Coded errors of the Minecraft wire decoders; a connection that raises one is closed, nothing else. */
export const ProtoErrors = {
  /** A VarInt longer than 5 bytes (or 3 where the protocol caps a length lower). */
  VARINT_TOO_LONG: defineError('PROTO_ERR_VARINT_TOO_LONG'),
  /** The handshake packet is larger than the configured bound. */
  HANDSHAKE_TOO_LARGE: defineError('PROTO_ERR_HANDSHAKE_TOO_LARGE'),
  /** Not a handshake: wrong packet id, fields overrunning the packet, unknown next state. */
  BAD_HANDSHAKE: defineError('PROTO_ERR_BAD_HANDSHAKE'),
  /** The server address (before any `\0` marker) is longer than 255 characters. */
  ADDRESS_TOO_LONG: defineError('PROTO_ERR_ADDRESS_TOO_LONG'),
  /** A status-state packet the Gate answers itself is malformed or too large. */
  BAD_PACKET: defineError('PROTO_ERR_BAD_PACKET'),
  /** A PROXY protocol header that does not parse, or is too long. */
  BAD_PROXY_HEADER: defineError('PROTO_ERR_BAD_PROXY_HEADER'),
} as const;
