import { GatelinkError, defineError } from '../shared/errors.js';

/**
 * Every error the Hub answers with, keyed by its stable code, each carrying its HTTP status.
 * Over the wire: `{ "error": message, "code": code }` (plus `field` for a validation error).
 */
export const HubErrors = {
  HUB_ERR_VALIDATION: defineError('HUB_ERR_VALIDATION', 400),
  HUB_ERR_BAD_JSON: defineError('HUB_ERR_BAD_JSON', 400),
  HUB_ERR_UNAUTHORIZED: defineError('HUB_ERR_UNAUTHORIZED', 401),
  HUB_ERR_BAD_CREDENTIALS: defineError('HUB_ERR_BAD_CREDENTIALS', 401),
  HUB_ERR_NOT_FOUND: defineError('HUB_ERR_NOT_FOUND', 404),
  HUB_ERR_DOMAIN_TAKEN: defineError('HUB_ERR_DOMAIN_TAKEN', 409),
  HUB_ERR_AGENT_IN_USE: defineError('HUB_ERR_AGENT_IN_USE', 409),
  HUB_ERR_USER_TAKEN: defineError('HUB_ERR_USER_TAKEN', 409),
  HUB_ERR_TOO_LARGE: defineError('HUB_ERR_TOO_LARGE', 413),
  HUB_ERR_UNSUPPORTED_MEDIA: defineError('HUB_ERR_UNSUPPORTED_MEDIA', 415),
  HUB_ERR_RATE_LIMITED: defineError('HUB_ERR_RATE_LIMITED', 429),
  HUB_ERR_INTERNAL: defineError('HUB_ERR_INTERNAL', 500),
  /** Not an HTTP answer: a command-line or start-up fault (unknown user, bad argument, bad config). */
  HUB_ERR_CONFIG: defineError('HUB_ERR_CONFIG'),
} as const;

export type HubErrorCode = keyof typeof HubErrors;

/** A validation error naming the one field at fault. */
export class HubValidationError extends GatelinkError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('HUB_ERR_VALIDATION', message, 400);
    this.name = 'HubValidationError';
    this.field = field;
  }
}
