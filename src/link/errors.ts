import { defineError } from '../shared/errors.js';

/** The Link's error table; codes are stable, messages are for people. */
export const LinkErrors = {
  /** The Gate's certificate is not the one its view pins: possibly a man in the middle. */
  FINGERPRINT_MISMATCH: defineError('LINK_ERR_FINGERPRINT_MISMATCH'),
  /** A TLS Gate without a fingerprint to pin: refused rather than trusted blindly. */
  NO_FINGERPRINT: defineError('LINK_ERR_NO_FINGERPRINT'),
  /** The Gate did not answer in time. */
  GATE_TIMEOUT: defineError('LINK_ERR_GATE_TIMEOUT'),
  /** The Gate refused the session (bad token, revoked, not ready…). */
  REFUSED: defineError('LINK_ERR_REFUSED'),
  /** The connection closed during the handshake. */
  GATE_CLOSED: defineError('LINK_ERR_GATE_CLOSED'),
  /** The Gate asked for a route this Link does not serve. */
  UNKNOWN_ROUTE: defineError('LINK_ERR_UNKNOWN_ROUTE'),
  /** The route's target did not accept the connection. */
  TARGET_UNREACHABLE: defineError('LINK_ERR_TARGET_UNREACHABLE'),
  /** The route's target did not answer within the connect timeout. */
  TARGET_TIMEOUT: defineError('LINK_ERR_TARGET_TIMEOUT'),
  /** Link configuration rejected at start-up. */
  CONFIG: defineError('LINK_ERR_CONFIG'),
} as const;
