import type { LinkView } from '../../bus/types.js';
import {
  PUSH_SIGNATURE_HEADER,
  PUSH_TIMESTAMP_HEADER,
  signPush,
} from '../../protocol/push-signature.js';

/** Where and what to push for one push-mode agent. */
export interface PushTarget {
  readonly agentId: number;
  readonly url: string;
  /** Keys the signature; never logged. */
  readonly token: string;
  readonly view: LinkView;
}

/** How one push attempt ended. `reason` never contains the token or the signature. */
export type PushOutcome =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status?: number; readonly reason: string };

// Error texts of fetch can quote the URL, credentials included: only fixed words leave here.
function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'request failed';
  if (err.name === 'TimeoutError') return 'timeout';
  if (err.name === 'AbortError') return 'aborted';
  const cause = (err as Error & { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (err.message.includes('includes credentials')) return 'push URL must not carry credentials';
  if (cause && cause.message === 'unknown scheme') return 'push URL scheme must be http or https';
  return 'request failed';
}

/**
 * POST the view to the Link once, signed with a fresh timestamp. Redirects are not followed:
 * a Link answers itself or the push failed.
 */
export async function sendPush(
  target: PushTarget,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PushOutcome> {
  const body = JSON.stringify(target.view);
  const timestamp = String(Date.now());
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [PUSH_TIMESTAMP_HEADER]: timestamp,
        [PUSH_SIGNATURE_HEADER]: signPush(target.token, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]),
    });
    // Release the connection for keep-alive reuse; the answer's content is not needed.
    await res.body?.cancel().catch(() => undefined);
    return res.ok
      ? { ok: true, status: res.status }
      : { ok: false, status: res.status, reason: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, reason: describe(err) };
  }
}

/** The host part of a push URL, for log lines (no path, query or credentials). */
export function pushHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
