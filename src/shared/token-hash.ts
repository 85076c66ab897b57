import { createHash } from 'node:crypto';

/** Lowercase hex SHA-256 of an agent token: what the bus carries instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
