/** Small presentational pieces shared by the pages. */
import type { ReactNode } from 'react';

/** Online/offline (or enabled/disabled) with a coloured dot and the word, never colour alone. */
export function StatusBadge({
  ok,
  okText = 'online',
  badText = 'offline',
  muted,
}: {
  ok: boolean;
  okText?: string;
  badText?: string;
  muted?: boolean;
}) {
  return (
    <span className={`badge ${ok ? 'badge--ok' : muted ? 'badge--muted' : 'badge--bad'}`}>
      {ok ? okText : badText}
    </span>
  );
}

/** A grey block of a fixed size shown while data loads, so nothing jumps when it arrives. */
export function Skeleton({ width = '100%', height = '1em' }: { width?: string; height?: string }) {
  return <span className="skeleton" style={{ width, height }} aria-hidden="true" />;
}

/** Page heading with optional actions on the right. */
export function PageHead({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-head">
      <h1>{title}</h1>
      {children && <div className="page-head__actions">{children}</div>}
    </div>
  );
}

/** Shown in place of a table that has no rows. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
