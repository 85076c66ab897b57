/** Pushes to a Link's push listener, signed as docs/link.md describes (HMAC-SHA256 keyed by the agent token). */
import { createHmac } from 'node:crypto';

/** The headers of a push of `body` signed with `token` at `timestamp` (ms). */
export function signedHeaders(token: string, body: string, timestamp = Date.now()): Record<string, string> {
  const ts = String(timestamp);
  const mac = createHmac('sha256', token).update(`${ts}.${body}`, 'utf8').digest('hex');
  return { 'content-type': 'application/json', 'x-gatelink-timestamp': ts, 'x-gatelink-signature': `v1=${mac}` };
}

/** POST `body` to `url` with `headers`; the status and parsed JSON answer. */
export async function postPush(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: { code?: string; ok?: boolean; applied?: boolean; version?: number } }> {
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as { code?: string } };
}
