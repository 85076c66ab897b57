/** Short confirmations ("Route created") in a polite live region. */
import { useEffect, useSyncExternalStore } from 'react';

interface Toast {
  id: number;
  text: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function set(next: Toast[]): void {
  toasts = next;
  for (const l of listeners) l();
}

/** Shows a confirmation for a few seconds. */
export function notify(text: string): void {
  set([...toasts.slice(-2), { id: nextId++, text }]);
}

function ToastItem({ toast }: { toast: Toast }) {
  useEffect(() => {
    const t = setTimeout(() => set(toasts.filter((x) => x.id !== toast.id)), 4000);
    return () => clearTimeout(t);
  }, [toast.id]);
  return <div className="toast">{toast.text}</div>;
}

/** Where confirmations appear. */
export function Toasts() {
  const list = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => toasts,
  );
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
