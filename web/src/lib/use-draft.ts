/** Form state kept in sessionStorage, so a failed save or a re-login loses nothing typed. */
import { useCallback, useEffect, useState } from 'react';

function read<T>(key: string): T | undefined {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Like useState, mirrored to sessionStorage under `key`; `clear` forgets the draft. */
export function useDraft<T extends object>(
  key: string,
  initial: () => T,
): [T, (patch: Partial<T>) => void, () => void] {
  const [value, setValue] = useState<T>(() => ({ ...initial(), ...read<Partial<T>>(key) }));
  useEffect(() => {
    try {
      sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the draft lives in memory only.
    }
  }, [key, value]);
  const patch = useCallback((p: Partial<T>) => setValue((v) => ({ ...v, ...p })), []);
  const clear = useCallback(() => {
    try {
      sessionStorage.removeItem(key);
    } catch {
      // Nothing to forget.
    }
  }, [key]);
  return [value, patch, clear];
}
