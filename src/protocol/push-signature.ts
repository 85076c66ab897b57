import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers a Hub push carries. */
export const PUSH_TIMESTAMP_HEADER = 'x-gatelink-timestamp';
export const PUSH_SIGNATURE_HEADER = 'x-gatelink-signature';

/** A push older or newer than this (ms) is refused as stale. */
export const PUSH_MAX_SKEW_MS = 60_000;

/**
 * Signature of one push: hex HMAC-SHA256 keyed by the agent token over `${timestamp}.${body}`,
 * written as `v1=<hex>`. The timestamp is ms since epoch as a decimal string.
 */
export function signPush(token: string, timestamp: string, body: string): string {
  const mac = createHmac('sha256', token).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `v1=${mac}`;
}

export type PushCheck = { ok: true } | { ok: false; reason: 'unsigned' | 'bad-signature' | 'stale' };

/** Check a push's signature and freshness. Replay protection (seen signatures) is the caller's. */
export function verifyPush(
  token: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: string,
  now = Date.now(),
): PushCheck {
  if (!timestamp || !signature) return { ok: false, reason: 'unsigned' };
  const ts = Number(timestamp);
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(now - ts) > PUSH_MAX_SKEW_MS) {
    return { ok: false, reason: 'stale' };
  }
  const expected = Buffer.from(signPush(token, timestamp, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad-signature' };
  }
  return { ok: true };
}
