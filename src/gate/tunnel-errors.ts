import { defineError } from '../shared/errors.js';

/** Errors of the Gate's tunnel side; `open` rejects with the first three. */
export const TunnelErrors = {
  /** No live Link session for the route's agent. */
  LINK_OFFLINE: defineError('GATE_ERR_LINK_OFFLINE'),
  /** The Link refused the route or could not reach its target. */
  TARGET_REFUSED: defineError('GATE_ERR_TARGET_REFUSED'),
  /** No channel or no answer in time. */
  OPEN_TIMEOUT: defineError('GATE_ERR_OPEN_TIMEOUT'),
  /** The tunnel server is closed. */
  CLOSED: defineError('GATE_ERR_TUNNEL_CLOSED'),
} as const;

/** Codes of a `refused` frame the Gate sends a Link; stable, the Link logs and backs off on them. */
export const RefusalCode = {
  BAD_TOKEN: 'GATE_ERR_BAD_TOKEN',
  BAD_VERSION: 'GATE_ERR_BAD_VERSION',
  BAD_SESSION: 'GATE_ERR_BAD_SESSION',
  NOT_READY: 'GATE_ERR_NOT_READY',
  REVOKED: 'GATE_ERR_REVOKED',
} as const;
