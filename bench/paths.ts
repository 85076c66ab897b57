import type { Target } from './client.js';
import type { BenchChild } from './processes.js';
import type { PathKey } from './results.js';

/** One way from the load clients to the backend: the players' port and the processes on the way. */
export interface BenchPath {
  readonly key: PathKey;
  readonly target: Target;
  /** The first hop (Gate / haproxy A) and the second (Link / haproxy B); none for direct. */
  readonly front?: BenchChild;
  readonly back?: BenchChild;
  /** A reference chain: only the bulk figures are measured. */
  readonly bulkOnly?: boolean;
  stop(): Promise<void>;
}

/** The domain every bench handshake names. */
export const BENCH_DOMAIN = 'bench.gatelink.test';
