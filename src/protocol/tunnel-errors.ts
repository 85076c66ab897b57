import { defineError } from '../shared/errors.js';

/** Wire errors of the tunnel protocol: the offending connection is closed, nothing else. */
export const TunnelProtoErrors = {
  /** A frame's length field is zero or the frame cannot hold its tag. */
  BAD_FRAME: defineError('PROTO_ERR_BAD_FRAME'),
  /** A frame larger than the cap; the peer is broken or hostile. */
  FRAME_TOO_LARGE: defineError('PROTO_ERR_FRAME_TOO_LARGE'),
  /** A tag no message of this protocol version carries. */
  UNKNOWN_TAG: defineError('PROTO_ERR_UNKNOWN_TAG'),
  /** A payload that is not the JSON shape its tag announces. */
  BAD_MESSAGE: defineError('PROTO_ERR_BAD_MESSAGE'),
  /** A message that is valid but not allowed at this point of the exchange. */
  UNEXPECTED_MESSAGE: defineError('PROTO_ERR_UNEXPECTED_MESSAGE'),
} as const;
