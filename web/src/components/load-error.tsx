/** What a page shows when its data could not be loaded. */
import { errorMessage } from '../api/client.js';
import { ErrorNote } from './field.js';

/** "Could not load `what`: reason", or nothing while there is no error. */
export function LoadError({ what, error }: { what: string; error: unknown }) {
  if (error === undefined) return null;
  return (
    <ErrorNote>
      Could not load {what}: {errorMessage(error)}
    </ErrorNote>
  );
}
