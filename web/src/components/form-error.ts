/** Splits an API error between the field it names and the form as a whole. */
import { ApiError, errorMessage } from '../api/client.js';

/** Which field a failed save belongs to: the one the API names, or a known conflict. */
export function errorField(err: unknown): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  if (err.field) return err.field;
  if (err.code === 'HUB_ERR_DOMAIN_TAKEN') return 'domain';
  if (err.code === 'HUB_ERR_USER_TAKEN') return 'new_user';
  return undefined;
}

/** The message to show at `field`, if the error belongs there. */
export function fieldError(err: unknown, field: string): string | undefined {
  return err !== undefined && errorField(err) === field ? errorMessage(err) : undefined;
}

/** The message to show for the whole form when no shown field owns the error. */
export function formError(err: unknown, shownFields: readonly string[]): string | undefined {
  if (err === undefined) return undefined;
  const f = errorField(err);
  return f && shownFields.includes(f) ? undefined : errorMessage(err);
}
