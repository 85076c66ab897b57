import { summarize, type Summary } from './stats.js';

/** The columns of the report, in order. */
export const PATH_KEYS = ['direct', 'haproxy', 'gatelink', 'gatelink-tls', 'splice', 'node-tls'] as const;
export type PathKey = (typeof PATH_KEYS)[number];

/** What a run measures unless `--paths` says otherwise: the four paths the goals compare. */
export const DEFAULT_PATHS: readonly PathKey[] = ['direct', 'haproxy', 'gatelink', 'gatelink-tls'];

/** Reference chains (bench/reference.ts): bounds of the bulk figures, measured for bulk only. */
export const REFERENCE_PATHS: readonly PathKey[] = ['splice', 'node-tls'];

export const PATH_LABELS: Readonly<Record<PathKey, string>> = {
  direct: 'Direct',
  haproxy: 'HAProxy 2-hop',
  gatelink: 'Gatelink plain',
  'gatelink-tls': 'Gatelink TLS',
  splice: 'splice() 2-hop (reference)',
  'node-tls': 'Node TLS 2-hop (reference)',
};

/** Per-round figures of one path. */
export interface RoundFigures {
  uploadMBs?: number;
  downloadMBs?: number;
  pingP50Ms?: number;
  pingP99Ms?: number;
  messagesPerSec?: number;
  setupP50Ms?: number;
  setupP99Ms?: number;
  setupErrors?: number;
  /** CPU the front (Gate / haproxy A) and back (Link / haproxy B) spent per set-up, in ms. */
  setupCpuFrontMs?: number;
  setupCpuBackMs?: number;
}

/** Once-per-run figures of one path (memory). */
export interface MemoryFigures {
  /** RSS of the front (Gate / haproxy A) and back (Link / haproxy B) process at rest, bytes. */
  idleFrontRss?: number;
  idleBackRss?: number;
  idlePlayers?: number;
  idleErrors?: number;
  /** RSS growth per open player connection, bytes. */
  frontPerConn?: number;
  backPerConn?: number;
}

/** Everything measured for one path. */
export interface PathResults {
  rounds: RoundFigures[];
  memory: MemoryFigures;
  /** Why the column is empty or partial. */
  notes: string[];
}

export type RunResults = Partial<Record<PathKey, PathResults>>;

/** Keys of the per-round figures, for summaries. */
export type RoundKey = keyof RoundFigures;

/** Median and spread of one per-round figure of one path. */
export function figure(results: RunResults, path: PathKey, key: RoundKey): Summary {
  const rounds = results[path]?.rounds ?? [];
  return summarize(rounds.map((r) => r[key] ?? Number.NaN));
}

/** Sum of a per-round count (errors) over all rounds. */
export function total(results: RunResults, path: PathKey, key: RoundKey): number {
  return (results[path]?.rounds ?? []).reduce((sum, r) => sum + (r[key] ?? 0), 0);
}
