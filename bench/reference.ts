import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair } from '../src/gate/tls-identity.js';
import { freePort, spawnChild, type BenchChild } from './processes.js';

/**
 * Reference chains: not baselines an operator would choose, but the bounds of the bulk figures
 * on the machine of the run. `splice` is two hops that never copy through user memory (the most
 * any relay can get from these load clients); `node-tls` is two bare Node hops with TLS
 * between them (the least Node's TLS costs). They are measured for bulk only.
 */
export interface ReferenceChain {
  readonly port: number;
  readonly front: BenchChild;
  readonly back: BenchChild;
  stop(): Promise<void>;
}

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

async function chain(
  dir: string,
  backendPort: number,
  hop: (name: string, listen: number, next: number) => { command: string; args: string[] },
): Promise<ReferenceChain> {
  const portB = await freePort();
  const portA = await freePort();
  const start = async (name: string, listen: number, next: number): Promise<BenchChild> => {
    const { command, args } = hop(name, listen, next);
    const child = spawnChild({ name, command, args, logFile: join(dir, `${name}.log`), cwd: ROOT });
    await child.waitForLine(/^listening$/, 30_000);
    return child;
  };
  const back = await start('b', portB, backendPort);
  const front = await start('a', portA, portB);
  return {
    port: portA,
    front,
    back,
    async stop() {
      await Promise.all([front.stop(), back.stop()]);
    },
  };
}

export async function startSpliceChain(dir: string, backendPort: number): Promise<ReferenceChain> {
  mkdirSync(dir, { recursive: true });
  const binary = buildSpliceRelay(dir);
  return chain(dir, backendPort, (_name, listen, next) => ({ command: binary, args: [String(listen), String(next)] }));
}

export async function startNodeTlsChain(dir: string, backendPort: number): Promise<ReferenceChain> {
  mkdirSync(dir, { recursive: true });
  const { key, cert } = await generateKeyPair('bench-reference');
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  writeFileSync(keyFile, key, { mode: 0o600 });
  writeFileSync(certFile, cert);
  const script = join(ROOT, 'bench', 'reference', 'tls-hop.ts');
  return chain(dir, backendPort, (name, listen, next) => ({
    command: process.execPath,
    args: ['--import', 'tsx', script, name === 'a' ? 'front' : 'back', String(listen), String(next), keyFile, certFile],
  }));
}
