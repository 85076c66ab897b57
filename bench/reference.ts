import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair } from '../src/gate/tls-identity.js';
import { startTwoHopChain, type TwoHopChain } from './paths.js';
import { spawnChild, type BenchChild } from './processes.js';

/**
 * Reference chains: not baselines an operator would choose, but the bounds of the bulk figures
 * on the machine of the run. `splice` is two hops that never copy through user memory (the most
 * any relay can get from these load clients); `node-tls` is two bare Node hops with TLS
 * between them (the least Node's TLS costs). They are measured for bulk only.
 */
const ROOT = join(import.meta.dirname, '..');

/** Compile the splice relay into `dir`; throws with the compiler's message when there is none. */
function buildSpliceRelay(dir: string): string {
  const binary = join(dir, 'splice-relay');
  try {
    execFileSync('cc', ['-O2', '-pthread', '-o', binary, join(ROOT, 'bench', 'reference', 'splice-relay.c')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`could not compile the splice relay with cc: ${stderr || (error as Error).message}`);
  }
  return binary;
}

/** Start one hop: `command` prints "listening" once it accepts connections. */
async function startHop(dir: string, hop: 'a' | 'b', command: string, args: string[]): Promise<BenchChild> {
  const child = spawnChild({ name: hop, command, args, logFile: join(dir, `${hop}.log`), cwd: ROOT });
  await child.waitForLine(/^listening$/, 30_000);
  return child;
}

export async function startSpliceChain(dir: string, backendPort: number): Promise<TwoHopChain> {
  mkdirSync(dir, { recursive: true });
  const binary = buildSpliceRelay(dir);
  return startTwoHopChain(backendPort, (hop, listen, next) => startHop(dir, hop, binary, [String(listen), String(next)]));
}

export async function startNodeTlsChain(dir: string, backendPort: number): Promise<TwoHopChain> {
  mkdirSync(dir, { recursive: true });
  const { key, cert } = await generateKeyPair('bench-reference');
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  writeFileSync(keyFile, key, { mode: 0o600 });
  writeFileSync(certFile, cert);
  const script = join(ROOT, 'bench', 'reference', 'tls-hop.ts');
  return startTwoHopChain(backendPort, (hop, listen, next) =>
    startHop(dir, hop, process.execPath, [
      '--import',
      'tsx',
      script,
      hop === 'a' ? 'front' : 'back',
      String(listen),
      String(next),
      keyFile,
      certFile,
    ]),
  );
}
