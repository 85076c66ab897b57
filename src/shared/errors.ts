/** An error with a stable code that callers and tests match on; `status` is set for HTTP-facing errors. */
export class GatelinkError extends Error {
  readonly code: string;
  readonly status: number | undefined;

  constructor(code: string, message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatelinkError';
    this.code = code;
    this.status = status;
  }
}

/** Build a factory for one coded error, in the style of a component's error table. */
export function defineError(code: string, status?: number) {
  const make = (message: string, cause?: unknown) =>
    new GatelinkError(code, message, status, cause === undefined ? undefined : { cause });
  return Object.assign(make, { code, status });
}

/** True when `err` is a GatelinkError carrying `code`. */
export function hasCode(err: unknown, code: string): err is GatelinkError {
  return err instanceof GatelinkError && err.code === code;
}
