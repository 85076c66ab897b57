/** Logs: newest first, filtered by level and source, followed live with after_id. */
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../api/client.js';
import type { LogEntry } from '../api/types.js';
import { Empty, PageHead, Skeleton } from '../components/bits.js';
import { ErrorNote } from '../components/field.js';
import { formatDateTime } from '../lib/format.js';
import { setQuery, useLocation } from '../lib/router.js';

const LIMIT = 200;
/** Entries kept on screen while following; older ones scroll out. */
const KEEP = 1000;
const FOLLOW_MS = 3000;

function logsPath(level: string, source: string, afterId?: number): string {
  const p = new URLSearchParams({ limit: String(LIMIT) });
  if (level) p.set('level', level);
  if (source) p.set('source', source);
  if (afterId !== undefined) p.set('after_id', String(afterId));
  return `/logs?${p.toString()}`;
}

function Meta({ meta }: { meta: LogEntry['meta'] }) {
  if (!meta || Object.keys(meta).length === 0) return null;
  return (
    <span className="log__meta">
      {Object.entries(meta).map(([k, v]) => (
        <span key={k}>
          {k}=<span className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</span>
        </span>
      ))}
    </span>
  );
}

/** The logs page; filters and follow live in the URL. */
export function LogsPage() {
  const { query } = useLocation();
  const level = query.get('level') ?? '';
  const source = query.get('source') ?? '';
  const follow = query.get('follow') !== '0';
  const [sourceInput, setSourceInput] = useState(source);
  // Back and Forward change the address under the box: follow it.
  useEffect(() => setSourceInput(source), [source]);
  const [entries, setEntries] = useState<LogEntry[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const newest = useRef<number | undefined>(undefined);
  // Sources seen so far, kept across filters, to suggest exact names (the filter is exact).
  const [known, setKnown] = useState<string[]>([]);
  useEffect(() => {
    if (!entries?.length) return;
    setKnown((prev) => {
      const next = new Set(prev);
      for (const e of entries) next.add(e.source);
      return next.size === prev.length ? prev : [...next].sort();
    });
  }, [entries]);

  // A new filter starts from the latest entries; following then asks only for newer ones.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setEntries(undefined);
    newest.current = undefined;
    const load = async (): Promise<void> => {
      try {
        const after = newest.current;
        const got = await api<LogEntry[]>('GET', logsPath(level, source, after));
        if (stopped) return;
        setError(undefined);
        if (after === undefined) setEntries(got);
        else if (got.length) setEntries((prev) => [...got, ...(prev ?? [])].slice(0, KEEP));
        const top = got[0]?.ID;
        if (top !== undefined && (newest.current === undefined || top > newest.current))
          newest.current = top;
        if (after === undefined && top === undefined) newest.current = 0;
      } catch (err) {
        if (!stopped) setError(err);
      }
      if (!stopped && follow) timer = setTimeout(() => void load(), FOLLOW_MS);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [level, source, follow]);

  // Typing in the source box filters after a short pause, not on every key.
  useEffect(() => {
    if (sourceInput === source) return;
    const t = setTimeout(() => setQuery({ source: sourceInput.trim() }), 400);
    return () => clearTimeout(t);
  }, [sourceInput, source]);

  return (
    <section>
      <PageHead title="Logs" />
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ source: sourceInput.trim() });
        }}
      >
        <label className="inline-field">
          Level
          <select value={level} onChange={(e) => setQuery({ level: e.target.value })}>
            <option value="">All levels</option>
            <option value="info">Info</option>
            <option value="warn">Warning</option>
            <option value="error">Error</option>
          </select>
        </label>
        <label className="inline-field">
          Source
          <input
            type="search"
            list="log-sources"
            placeholder="audit, hub, gate:<id>, link:<agent id>"
            value={sourceInput}
            onChange={(e) => setSourceInput(e.target.value)}
          />
          <datalist id="log-sources">
            <option value="audit" />
            <option value="hub" />
            {known
              .filter((s) => s !== 'audit' && s !== 'hub')
              .map((s) => (
                <option key={s} value={s} />
              ))}
          </datalist>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={follow}
            onChange={(e) => setQuery({ follow: e.target.checked ? null : '0' })}
          />
          Follow live
        </label>
      </form>
      {error !== undefined && <ErrorNote>Could not load logs: {errorMessage(error)}</ErrorNote>}
      <div className="panel panel--flush">
        <ol
          className="logs"
          aria-label="Log entries, newest first"
          aria-busy={entries === undefined}
        >
          {entries === undefined &&
            Array.from({ length: 10 }, (_, i) => (
              <li key={i} className="log">
                <Skeleton />
              </li>
            ))}
          {entries?.map((e) => (
            <li key={e.ID} className={`log log--${e.level}`}>
              <time className="log__time" dateTime={e.time}>
                {formatDateTime(e.time)}
              </time>
              <span className={`level level--${e.level}`}>{e.level}</span>
              <span className="log__source">{e.source}</span>
              <span className="log__message">
                {e.message}
                {e.actor && <span className="muted"> by {e.actor}</span>}
                <Meta meta={e.meta} />
              </span>
            </li>
          ))}
        </ol>
        {entries?.length === 0 && (
          <Empty>No log entries{level || source ? ' match these filters' : ' yet'}.</Empty>
        )}
      </div>
      <p className="muted small">
        Showing the latest {LIMIT} entries
        {follow ? `, new ones appear every ${FOLLOW_MS / 1000} s` : ''}.
      </p>
    </section>
  );
}
