import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TwoHopChain } from '../../bench/paths.js';
import { killAllChildren, readCpuMs } from '../../bench/processes.js';
import { startNodeTlsChain, startSpliceChain } from '../../bench/reference.js';
import { renderReport } from '../../bench/report.js';
import type { RunResults } from '../../bench/results.js';

// The bench's reference chains are what its bounds table rests on: they must carry bytes both
// ways and pass a half-close on, as the paths they are compared with do.

/** Echoes every byte; when the client half-closes, answers "bye" and closes its own side. */
function startEchoBackend(): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('end', () => socket.end('bye'));
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Send `payload`, half-close, and collect everything until the far side closes. */
function roundTrip(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.write(payload, () => socket.end());
  });
}

describe('bench reference chains', () => {
  let backend: Server;
  let work: string;
  const chains: TwoHopChain[] = [];

  beforeAll(async () => {
    backend = await startEchoBackend();
    work = mkdtempSync(join(tmpdir(), 'gatelink-bench-'));
  });

  afterAll(async () => {
    await Promise.allSettled(chains.map((c) => c.stop()));
    killAllChildren();
    backend.close();
    rmSync(work, { recursive: true, force: true });
  });

  const backendPort = (): number => (backend.address() as { port: number }).port;
  // 3 MB: more than one pipe or socket buffer, so the relays loop and wait on each other.
  const payload = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
  const expected = Buffer.concat([payload, Buffer.from('bye')]);

  it('the splice relay carries bytes both ways and passes a half-close on', async () => {
    const chain = await startSpliceChain(join(work, 'splice'), backendPort());
    chains.push(chain);
    expect((await roundTrip(chain.port, payload)).equals(expected)).toBe(true);
    // A second connection through the same processes: the first one's threads let go.
    expect((await roundTrip(chain.port, Buffer.from('again'))).toString()).toBe('againbye');
  });

  it('the bare Node TLS hops carry bytes both ways and pass a half-close on', async () => {
    const chain = await startNodeTlsChain(join(work, 'node-tls'), backendPort());
    chains.push(chain);
    expect((await roundTrip(chain.port, payload)).equals(expected)).toBe(true);
  });
});

describe('bench figures', () => {
  it('reads the CPU a process has used, and NaN for one that is gone', () => {
    const before = readCpuMs(process.pid);
    const until = Date.now() + 60;
    while (Date.now() < until) {
      // busy: the counter moves in 10 ms ticks
    }
    expect(readCpuMs(process.pid)).toBeGreaterThan(before);
    expect(readCpuMs(2 ** 22 + 1)).toBeNaN();
  });

  it('puts each reference against HAProxy and Gatelink against its reference', () => {
    const round = (uploadMBs: number, downloadMBs: number) => ({ rounds: [{ uploadMBs, downloadMBs }], memory: {}, notes: [] });
    const results: RunResults = {
      haproxy: round(500, 400),
      gatelink: round(300, 200),
      'gatelink-tls': round(150, 100),
      splice: round(1000, 400),
      'node-tls': round(250, 200),
    };
    const report = renderReport(results, {
      date: 'today',
      nproc: 2,
      cpu: 'cpu',
      node: 'v20',
      haproxy: '2.6',
      kernel: 'linux',
      mode: 'quick, 1 round',
      load: '0',
      build: 'test',
    });
    expect(report).toContain(
      '| Bulk bounds (ratio of medians) | splice() 2-hop (reference) ÷ HAProxy 2-hop | Gatelink plain ÷ splice() 2-hop (reference) | Node TLS 2-hop (reference) ÷ HAProxy 2-hop | Gatelink TLS ÷ Node TLS 2-hop (reference) |',
    );
    const bounds = report.slice(report.indexOf('| Bulk bounds'));
    expect(bounds).toContain('| Bulk player → server, 1 conn (MB/s) | 2.00× | 0.30× | 0.50× | 0.60× |');
    expect(bounds).toContain('| Bulk server → player, 1 conn (MB/s) | 1.00× | 0.50× | 0.50× | 0.50× |');
    expect(report).toContain('| Set-up errors (all rounds) | — | — | — | — | — |');
  });
});
