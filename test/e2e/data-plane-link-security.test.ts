/**
 * What a Link refuses: Gate requests for anything but its own routes, impostor Gates, unsigned,
 * forged, stale and replayed pushes. What a Gate refuses: unknown tokens, unbound data channels.
 * And the whole path once more over plain (non-TLS) tunnels.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTlsIdentity } from '../../src/gate/tls-identity.js';
import { localRoute } from './support/hub-api.js';
import {
  startPushLink,
  startSystem,
  UNREACHABLE_PUSH_URL,
  type StartedLink,
  type System,
} from './support/in-process.js';
import { connectPlayer, waitForMotd, within, type MinecraftBackend } from './support/minecraft.js';
import { postPush, signedHeaders, startPushRecorder } from './support/push.js';
import {
  handshake,
  loginBytes,
  startRecordingBackend,
  type RecordingBackend,
} from './support/raw-tcp.js';
import {
  frame,
  frameReader,
  sendOpen,
  startRogueGate,
  TAG,
  type RogueGate,
} from './support/rogue-gate.js';
import { Cleanup, sleep, waitFor } from './support/wait.js';

const TOKEN = 'e2e-agent-token-0123456789';
const cleanup = new Cleanup();
afterAll(() => cleanup.run());

let backend: RecordingBackend;
let sentinel: RecordingBackend;

beforeAll(async () => {
  backend = await startRecordingBackend(Buffer.from('backend-hello'));
  cleanup.add('backend', () => backend.close());
  // A service on the Link's network that no route names: nothing may ever reach it.
  sentinel = await startRecordingBackend();
  cleanup.add('sentinel', () => sentinel.close());
});

let version = 1;
/** A view for agent 7: route 1 to the recording backend, and the given Gates. */
function view(gates: Array<{ id: string; tunnelAddr: string; tls: boolean; fingerprint: string }>) {
  return JSON.stringify({
    version: version++,
    agentId: 7,
    enabled: true,
    routes: [
      {
        id: 1,
        domain: 'play.example.test',
        targetIp: '127.0.0.1',
        targetPort: backend.port,
        proxyProtocol: false,
      },
    ],
    gates,
  });
}

async function startLink(): Promise<StartedLink> {
  const link = await startPushLink(TOKEN);
  cleanup.add('link', () => link.close());
  return link;
}

describe('a Link facing a rogue Gate', () => {
  let rogue: RogueGate;
  let link: StartedLink;

  beforeAll(async () => {
    rogue = await startRogueGate({ poolSize: 3 });
    cleanup.add('rogue gate', () => rogue.close());
    link = await startLink();
    const body = view([
      { id: 'rogue', tunnelAddr: `127.0.0.1:${rogue.port}`, tls: false, fingerprint: '' },
    ]);
    expect((await postPush(link.pushUrl, body, signedHeaders(TOKEN, body))).status).toBe(200);
    await waitFor(() => rogue.hellos.length >= 1 && rogue.idleChannels().length >= 2, {
      what: 'a session and two data channels',
    });
  });

  it('refuses an open for a route it does not serve and dials nothing, whatever address the Gate names', async () => {
    const [channel] = rogue.idleChannels();
    const firstBytes = handshake('secret.internal', { nextState: 2 });
    sendOpen(channel!, 999, firstBytes, {
      sourceAddress: '203.0.113.9',
      sourcePort: 40000,
      destAddress: '127.0.0.1',
      destPort: sentinel.port,
    });
    const failed = await channel!.frameOf(TAG.openFailed);
    expect(failed['code']).toBe('LINK_ERR_UNKNOWN_ROUTE');
    await within(channel!.closed, 2000, 'the refused channel to close');
    await sleep(300);
    expect(sentinel.connections).toHaveLength(0);
    expect(backend.connections).toHaveLength(0);
  });

  it('dials only the target of its own route, never the address the open carries', async () => {
    const channel = await waitFor(() => rogue.idleChannels()[0], { what: 'an idle data channel' });
    const firstBytes = loginBytes('play.example.test', 'Rogue');
    sendOpen(channel, 1, firstBytes, {
      sourceAddress: '203.0.113.9',
      sourcePort: 40000,
      destAddress: '127.0.0.1',
      destPort: sentinel.port,
    });
    await channel.frameOf(TAG.openOk);
    expect((await backend.waitBytes(0, firstBytes.length)).equals(firstBytes)).toBe(true);
    await waitFor(() => channel.raw.toString() === 'backend-hello', {
      what: "the backend's answer relayed back",
    });
    expect(sentinel.connections).toHaveLength(0);
    channel.socket.destroy();
  });

  it('ends the session when a Gate sends an open on the control channel', async () => {
    const control = rogue.connections.find((c) => c.kind === 'control' && !c.socket.destroyed)!;
    sendOpen(control, 1, Buffer.alloc(0));
    await within(control.closed, 2000, 'the control connection to close');
    await sleep(300);
    expect(sentinel.connections).toHaveLength(0);
    expect(backend.connections).toHaveLength(1);
  });
});

describe('a Link and the certificate it pinned', () => {
  it('never sends its token to a Gate whose certificate is not the pinned one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatelink-e2e-pin-'));
    cleanup.add('pin dirs', () => rm(dir, { recursive: true, force: true }));
    const impostorIdentity = await loadTlsIdentity({ dataDir: join(dir, 'impostor') });
    const pinned = await loadTlsIdentity({ dataDir: join(dir, 'real') });
    expect(impostorIdentity.fingerprint).not.toBe(pinned.fingerprint);
    const impostor = await startRogueGate({ tlsIdentity: impostorIdentity });
    cleanup.add('impostor', () => impostor.close());
    const link = await startLink();
    const body = view([
      {
        id: 'real',
        tunnelAddr: `127.0.0.1:${impostor.port}`,
        tls: true,
        fingerprint: pinned.fingerprint,
      },
    ]);
    expect((await postPush(link.pushUrl, body, signedHeaders(TOKEN, body))).status).toBe(200);
    await waitFor(() => link.link.status()[0]?.lastError === 'LINK_ERR_FINGERPRINT_MISMATCH', {
      what: 'a fingerprint mismatch',
    });
    expect(impostor.hellos).toHaveLength(0);
    expect(impostor.connections.every((c) => c.frames.length === 0)).toBe(true);
  });
});

describe("a Link's push listener", () => {
  let link: StartedLink;
  let decoy: RogueGate;
  beforeAll(async () => {
    link = await startLink();
    decoy = await startRogueGate();
    cleanup.add('decoy', () => decoy.close());
  });
  const decoyView = () =>
    view([{ id: 'decoy', tunnelAddr: `127.0.0.1:${decoy.port}`, tls: false, fingerprint: '' }]);

  it('refuses an unsigned push with 401 and does not apply it', async () => {
    const body = decoyView();
    const refused: Array<[headers: Record<string, string>, code: string]> = [
      [{ 'content-type': 'application/json' }, 'LINK_ERR_PUSH_UNSIGNED'],
      [signedHeaders('another-agent-token-xyz', body), 'LINK_ERR_PUSH_BAD_SIGNATURE'],
      [signedHeaders(TOKEN, body, Date.now() - 120_000), 'LINK_ERR_PUSH_STALE'],
    ];
    for (const [headers, code] of refused) {
      expect(await postPush(link.pushUrl, body, headers)).toEqual({
        status: 401,
        body: expect.objectContaining({ code }),
      });
    }
    await sleep(300);
    expect(link.link.view).toBeNull();
    expect(decoy.connections).toHaveLength(0);
  });

  it('applies a signed push once and refuses the same push replayed', async () => {
    const body = decoyView();
    const headers = signedHeaders(TOKEN, body);
    const first = await postPush(link.pushUrl, body, headers);
    expect(first).toEqual({
      status: 200,
      body: expect.objectContaining({ ok: true, applied: true }),
    });
    const replayed = await postPush(link.pushUrl, body, headers);
    expect(replayed).toEqual({
      status: 409,
      body: expect.objectContaining({ code: 'LINK_ERR_PUSH_REPLAYED' }),
    });
    await waitFor(() => decoy.hellos.length === 1, {
      what: 'the Link dialing the Gate of the applied view',
    });
    expect(decoy.hellos[0]?.['token']).toBe(TOKEN);
  });
});

describe('the whole path over plain tunnels', () => {
  let system: System;
  let mcBackend: MinecraftBackend;
  beforeAll(async () => {
    system = await startSystem({ tunnelTls: false });
    cleanup.add('plain system', () => system.close());
    mcBackend = await system.startBackend('Plain MOTD');
    const { agent } = await system.addAgentWithLink('Plain Agent');
    await system.api.createRoute(localRoute('plain.example.test', mcBackend.port, agent.ID));
  }, 30_000);

  it('relays a status ping and a login, and reports the Gate without TLS', async () => {
    await waitForMotd('plain.example.test', system.playerPort, 'Plain MOTD', {
      what: 'the plain route to serve',
    });
    const player = connectPlayer('plain.example.test', system.playerPort, 'Plainly');
    try {
      expect(await within(player.chat, 8000, 'welcome message')).toBe('welcome Plainly');
    } finally {
      player.end();
    }
    const gates = await system.api.ok<
      Array<{ tls: boolean; fingerprint: string; online: boolean }>
    >('GET', '/api/gates');
    expect(gates).toEqual([expect.objectContaining({ tls: false, fingerprint: '', online: true })]);
  });

  it("signs the Hub's own pushes, and the Link refuses one replayed or altered", async () => {
    const created = await system.api.createAgent({
      name: 'Recorded',
      mode: 'push',
      push_url: UNREACHABLE_PUSH_URL,
    });
    const link = await startPushLink(created.token);
    cleanup.add('recorded link', () => link.close());
    const recorder = await startPushRecorder(link.pushUrl);
    cleanup.add('push recorder', () => recorder.close());
    await system.api.updateAgent(created.ID, { push_url: recorder.url });
    await system.waitAgentOnline(created.ID);

    const accepted = recorder.pushes.find((p) => p.status === 200)!;
    expect(accepted.headers['x-gatelink-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(accepted.body).not.toContain(created.token);
    const viewBefore = link.link.view;

    const replayed = await postPush(link.pushUrl, accepted.body, accepted.headers);
    expect(replayed).toEqual({
      status: 409,
      body: expect.objectContaining({ code: 'LINK_ERR_PUSH_REPLAYED' }),
    });
    const altered = accepted.body.replace('"enabled":true', '"enabled":false');
    expect(altered).not.toBe(accepted.body);
    const tampered = await postPush(link.pushUrl, altered, accepted.headers);
    expect(tampered).toEqual({
      status: 401,
      body: expect.objectContaining({ code: 'LINK_ERR_PUSH_BAD_SIGNATURE' }),
    });
    expect(link.link.view).toBe(viewBefore);
    expect((await system.api.getAgent(created.ID)).online).toBe(true);
  });

  it('refuses a Link with an unknown token, and a data channel that is not bound to a session', async () => {
    const attempt = async (first: Buffer) => {
      const socket = net.connect(system.gate.ports.tunnelPort, '127.0.0.1');
      socket.on('error', () => {});
      const frames = frameReader(socket);
      const challenge = await frames.next();
      expect(challenge.tag).toBe(TAG.challenge);
      socket.write(first);
      const answer = await frames.next();
      await within(
        new Promise((resolve) => socket.once('close', resolve)),
        3000,
        'the Gate to close the connection',
      );
      return answer;
    };
    const badToken = await attempt(
      frame(TAG.hello, {
        version: 1,
        token: 'not-a-token-of-any-agent',
        linkId: 'rogue',
        software: 'x',
      }),
    );
    expect(badToken).toEqual({
      tag: TAG.refused,
      body: expect.objectContaining({ code: 'GATE_ERR_BAD_TOKEN' }),
    });
    const unbound = await attempt(
      frame(TAG.dataHello, { sessionId: 'no-such-session', mac: 'ab'.repeat(32) }),
    );
    expect(unbound).toEqual({
      tag: TAG.refused,
      body: expect.objectContaining({ code: 'GATE_ERR_BAD_SESSION' }),
    });
  });
});
