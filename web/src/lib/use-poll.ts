/** Loads data now and again every few seconds, without overlapping requests. */
import { useCallback, useEffect, useRef, useState } from 'react';

/** State of a polled resource: the last good data survives a failed refresh. */
export interface Poll<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (update: (prev: T | undefined) => T | undefined) => void;
}

/** Polls `load` every `intervalMs` (0: once); paused while the tab is hidden. */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, key = ''): Poll<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const seq = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const next = await loadRef.current();
      if (mine !== seq.current) return;
      setDataState(next);
      setError(undefined);
    } catch (err) {
      if (mine === seq.current) setError(err);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    setLoading(true);
    const tick = async (): Promise<void> => {
      if (document.visibilityState !== 'hidden') await reload();
      if (!stopped && intervalMs > 0) timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
    const onVisible = (): void => {
      if (document.visibilityState === 'visible') void reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      seq.current++;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [intervalMs, key, reload]);

  const setData = useCallback(
    (update: (prev: T | undefined) => T | undefined) => setDataState(update),
    [],
  );
  return { data, error, loading, reload, setData };
}
