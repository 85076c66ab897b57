/** Thin fetch wrapper for the Hub API: bearer token, JSON, errors as ApiError. */

const TOKEN_KEY = 'gatelink.token';

/** An API failure with the Hub's stable code and, when one field is at fault, its name. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  /** Seconds to wait, from Retry-After on 429. */
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, field?: string, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

let token: string | null = readToken();
let onUnauthorized: (() => void) | null = null;

function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** The session token in use, if any. */
export function getToken(): string | null {
  return token;
}

/** Stores (or forgets, with null) the session token. */
export function setToken(next: string | null): void {
  token = next;
  try {
    if (next) localStorage.setItem(TOKEN_KEY, next);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode without storage: the session lasts as long as the tab.
  }
}

/** Called when the Hub rejects the token (expired, revoked, credentials changed). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** The field name an error refers to, whatever path prefix the validator puts on it. */
function normaliseField(field: unknown): string | undefined {
  if (typeof field !== 'string' || field === '') return undefined;
  const parts = field.split(/[/.]/).filter(Boolean);
  return parts[parts.length - 1];
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: { error?: unknown; code?: unknown; field?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // Not JSON (a proxy in front of the Hub): fall back to the status line.
  }
  const retry = Number(res.headers.get('retry-after'));
  const message =
    typeof body.error === 'string' && body.error
      ? body.error
      : `The Hub answered ${res.status} ${res.statusText}`.trim();
  const code = typeof body.code === 'string' ? body.code : `HTTP_${res.status}`;
  return new ApiError(
    res.status,
    code,
    message,
    normaliseField(body.field),
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
}

/** Calls the API; resolves with the JSON answer or rejects with an ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const sent = token;
  if (sent) headers.authorization = `Bearer ${sent}`;
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      0,
      'NETWORK',
      'The Hub cannot be reached. Check your connection and try again.',
    );
  }
  if (!res.ok) {
    const err = await toApiError(res);
    // Only a rejected token ends the session; a wrong password at login does not.
    if (res.status === 401 && sent && sent === token && err.code !== 'HUB_ERR_BAD_CREDENTIALS') {
      onUnauthorized?.();
    }
    throw err;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Readable text for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
