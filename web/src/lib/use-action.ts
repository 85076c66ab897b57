/** One async action at a time, with its busy flag and its last error. */
import { useCallback, useState } from 'react';
import { errorMessage } from '../api/client.js';

/** State of an action: the error is kept whole, so a form field can claim it. */
export interface Action {
  busy: boolean;
  error: unknown;
  /** The last error as text, for a dialog that shows it whole. */
  message: string | undefined;
  /** Runs `work`; busy meanwhile, its error (if any) kept until the next run or `reset`. */
  run: (work: () => Promise<void>) => Promise<void>;
  /** Forgets the last error. */
  reset: () => void;
}

/** Busy and error state around a save, a delete or any other request the user started. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  const reset = useCallback(() => setError(undefined), []);
  const message = error === undefined ? undefined : errorMessage(error);
  return { busy, error, message, run, reset };
}
