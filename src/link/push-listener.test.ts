import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LinkView } from '../bus/types.js';
import { createTunnelServer } from '../gate/tunnel-server.js';
import {
  PUSH_SIGNATURE_HEADER,
  PUSH_TIMESTAMP_HEADER,
  signPush,
} from '../protocol/push-signature.js';
import { silentLogger } from '../shared/logger.js';
import { hashToken } from '../shared/token-hash.js';
import { createLink } from './link.js';
import { linkConfig } from './link-config.js';
import { createPushListener, type PushListener } from './push-listener.js';

const TOKEN = 'push-token-0123456789';
const log = silentLogger();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const view = (version: number, extra: Partial<LinkView> = {}): LinkView => ({
  version,
  agentId: 4,
  enabled: true,
  routes: [
    {
      id: 1,
      domain: 'a.example.com',
      targetIp: '127.0.0.1',
      targetPort: 25565,
      proxyProtocol: false,
    },
  ],
  gates: [],
  ...extra,
});

async function startListener() {
  const received: Array<LinkView | null> = [];
  const listener = createPushListener({ token: TOKEN, host: '127.0.0.1', port: 0, log });
  await listener.start((v) => received.push(v));
  cleanups.push(() => listener.close());
  return { listener, received, url: `http://127.0.0.1:${listener.address()!.port}/` };
}

async function push(
  url: string,
  body: string,
  {
    token = TOKEN,
    timestamp = String(Date.now()),
    signature,
  }: { token?: string; timestamp?: string; signature?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (timestamp) headers[PUSH_TIMESTAMP_HEADER] = timestamp;
  const sig = signature ?? signPush(token, timestamp, body);
  if (sig) headers[PUSH_SIGNATURE_HEADER] = sig;
  const res = await fetch(url, { method: 'POST', headers, body });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    headers: { timestamp, sig },
  };
}

describe('push listener', () => {
  it('applies a signed view and acknowledges its version', async () => {
    const { url, received } = await startListener();
    const res = await push(url, JSON.stringify(view(3)));
    expect(res).toMatchObject({ status: 200, body: { ok: true, version: 3 } });
    expect(received).toEqual([view(3)]);
  });

  it('refuses unsigned, forged and stale pushes with 401', async () => {
    const { url, received } = await startListener();
    const body = JSON.stringify(view(1));
    const unsigned = await push(url, body, { signature: '', timestamp: '' });
    expect(unsigned).toMatchObject({ status: 401, body: { code: 'LINK_ERR_PUSH_UNSIGNED' } });
    const forged = await push(url, body, { token: 'some-other-token-xyz' });
    expect(forged).toMatchObject({ status: 401, body: { code: 'LINK_ERR_PUSH_BAD_SIGNATURE' } });
    const stale = await push(url, body, { timestamp: String(Date.now() - 5 * 60_000) });
    expect(stale).toMatchObject({ status: 401, body: { code: 'LINK_ERR_PUSH_STALE' } });
    expect(received).toEqual([]);
  });

  it('refuses a replayed push with 409', async () => {
    const { url, received } = await startListener();
    const body = JSON.stringify(view(1));
    const first = await push(url, body);
    expect(first.status).toBe(200);
    const again = await push(url, body, {
      timestamp: first.headers.timestamp,
      signature: first.headers.sig,
    });
    expect(again).toMatchObject({ status: 409, body: { code: 'LINK_ERR_PUSH_REPLAYED' } });
    expect(received).toHaveLength(1);
  });

  it('refuses a malformed body with 400 and other methods with 405', async () => {
    const { url, received } = await startListener();
    expect(await push(url, '{not json')).toMatchObject({
      status: 400,
      body: { code: 'LINK_ERR_PUSH_MALFORMED' },
    });
    const wrongShape = JSON.stringify({ ...view(1), routes: [{ id: 'x' }] });
    expect(await push(url, wrongShape)).toMatchObject({
      status: 400,
      body: { code: 'LINK_ERR_PUSH_MALFORMED' },
    });
    expect((await fetch(url)).status).toBe(405);
    expect(received).toEqual([]);
  });

  it('acknowledges but ignores a view older than the one it has', async () => {
    const { url, received } = await startListener();
    await push(url, JSON.stringify(view(5)));
    const older = await push(url, JSON.stringify(view(4)));
    expect(older).toMatchObject({ status: 200, body: { ok: true, version: 5, applied: false } });
    expect(received.map((v) => v?.version)).toEqual([5]);
  });

  it('drives a Link: a pushed view makes it connect to the Gate it names, a disabled one disconnects it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gatelink-push-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const gate = await createTunnelServer({
      gateId: 'g',
      host: '127.0.0.1',
      port: 0,
      tls: true,
      dataDir,
      log,
    });
    const { port } = await gate.listen();
    cleanups.push(() => gate.close());
    gate.applyConfig({
      version: 1,
      routes: [],
      agents: [{ id: 4, name: 'n', mode: 'push', enabled: true, tokenHash: hashToken(TOKEN) }],
    });
    const listener: PushListener = createPushListener({
      token: TOKEN,
      host: '127.0.0.1',
      port: 0,
      log,
    });
    const link = createLink({
      config: linkConfig({ token: TOKEN, backoffInitialMs: 50 }),
      log,
      views: listener,
    });
    await link.start();
    cleanups.push(() => link.close());
    const url = `http://127.0.0.1:${listener.address()!.port}/`;
    const gates = [
      { id: 'g', tunnelAddr: `127.0.0.1:${port}`, tls: true, fingerprint: gate.fingerprint },
    ];
    expect((await push(url, JSON.stringify(view(1, { gates })))).status).toBe(200);
    const until = Date.now() + 3000;
    while (!gate.hasSession(4) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(gate.hasSession(4)).toBe(true);
    await push(url, JSON.stringify(view(2, { gates, enabled: false })));
    const until2 = Date.now() + 3000;
    while (gate.hasSession(4) && Date.now() < until2) await new Promise((r) => setTimeout(r, 10));
    expect(gate.hasSession(4)).toBe(false);
    expect(link.view?.version).toBe(2);
  });
});
