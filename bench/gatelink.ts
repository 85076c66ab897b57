import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchPath } from './paths.js';

/** How to start one Gatelink path (a Gate and a Link, each its own process). */
export interface GatelinkOptions {
  readonly key: 'gatelink' | 'gatelink-tls';
  readonly tls: boolean;
  readonly backendPort: number;
  /** Scratch directory for this path (data dirs, logs). */
  readonly work: string;
  readonly root: string;
  readonly fromSource: boolean;
  readonly cpuProfDir: string | undefined;
  readonly log: (line: string) => void;
}

/** Start a Gate and a Link wired to each other and to the backend. */
export async function startGatelink(options: GatelinkOptions): Promise<BenchPath> {
  for (const file of ['src/gate/gate.ts', 'src/link/link.ts', 'src/gate/tunnel-server.ts']) {
    if (!existsSync(join(options.root, file))) throw new Error(`${file} does not exist yet`);
  }
  throw new Error('the Gatelink processes are not wired into the bench yet');
}
