import type { Target } from './client.js';
import { freePort, type BenchChild } from './processes.js';
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

/** Two relay processes in a row, as a Gate and a Link are: player → A → B → backend. */
export interface TwoHopChain {
  readonly port: number;
  readonly front: BenchChild;
  readonly back: BenchChild;
  stop(): Promise<void>;
}

/**
 * Start hop B (towards the backend), then hop A (towards B), each on a free port; `startHop`
 * starts one and resolves once it accepts connections.
 */
export async function startTwoHopChain(
  backendPort: number,
  startHop: (hop: 'a' | 'b', listenPort: number, nextPort: number) => Promise<BenchChild>,
): Promise<TwoHopChain> {
  const portB = await freePort();
  const portA = await freePort();
  const back = await startHop('b', portB, backendPort);
  const front = await startHop('a', portA, portB);
  return {
    port: portA,
    front,
    back,
    async stop() {
      await Promise.all([front.stop(), back.stop()]);
    },
  };
}
