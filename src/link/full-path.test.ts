import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildLinkView } from '../bus/link-view.js';
import { createMemoryBus } from '../bus/memory-bus.js';
import type { ConfigSnapshot } from '../bus/types.js';
import { resolveGateConfig } from '../gate/gate-config.js';
import { createGate } from '../gate/gate.js';
import { encodePacket, encodeString } from '../protocol/minecraft-packets.js';
import { encodeVarInt } from '../protocol/minecraft-varint.js';
import { encodeProxyV2 } from '../protocol/proxy-v2.js';
import { silentLogger } from '../shared/logger.js';
import { hashToken } from '../shared/token-hash.js';
import { createBusFollower } from './bus-follower.js';
import { createLink } from './link.js';
import { linkConfig } from './link-config.js';

const TOKEN = 'full-path-token-0123456789';
const log = silentLogger();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function handshake(address: string, nextState: number): Buffer {
  const body = Buffer.concat([
    encodeVarInt(767),
    encodeString(address),
    Buffer.from([0x63, 0xdd]),
    encodeVarInt(nextState),
  ]);
  return encodePacket(0, body);
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('player → Gate → tunnel → Link → server', () => {
  it('carries a Minecraft login through TLS tunnels with the player address in PROXY v2, and a FIN sent right behind it', async () => {
    // The game server: records what arrives, answers, and closes after the player's FIN.
    const received: Buffer[] = [];
    const server = createServer({ allowHalfOpen: true }, (s) => {
      s.on('data', (d: Buffer) => {
        received.push(d);
        s.write('welcome');
      });
      s.on('end', () => s.end());
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const serverPort = (server.address() as { port: number }).port;

    const dataDir = await mkdtemp(join(tmpdir(), 'gatelink-full-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const bus = createMemoryBus();
    cleanups.push(() => bus.close());
    const snapshot: ConfigSnapshot = {
      version: 1,
      agents: [{ id: 1, name: 'a', mode: 'redis', enabled: true, tokenHash: hashToken(TOKEN) }],
      routes: [
        {
          id: 5,
          domain: 'play.example.com',
          targetIp: '127.0.0.1',
          targetPort: serverPort,
          agentId: 1,
          proxyProtocol: true,
        },
      ],
    };
    await bus.publishConfig(snapshot);
    const gate = createGate({
      config: resolveGateConfig({
        id: 'gate-test',
        listen: { host: '127.0.0.1', port: 0 },
        tunnelListen: { host: '127.0.0.1', port: 0 },
        dataDir,
        presenceIntervalMs: 200,
      }),
      log,
      bus,
    });
    const { playerPort } = await gate.start();
    cleanups.push(() => gate.close());

    // What the Hub does for a redis-mode agent: publish its view with the online Gates.
    await waitFor(async () => (await bus.listGates()).length === 1, 'gate presence');
    const gates = await bus.listGates();
    expect(gates[0]!.tls).toBe(true);
    await bus.publishLinkView(hashToken(TOKEN), buildLinkView(snapshot, gates, 1));

    const link = createLink({
      config: linkConfig({ token: TOKEN, linkId: 'full' }),
      log,
      views: createBusFollower({ bus, token: TOKEN, log }),
    });
    await link.start();
    cleanups.push(() => link.close());
    await waitFor(
      () => link.status().some((s) => s.state === 'ready' && s.idleChannels > 0),
      'link',
    );

    const player: Socket = connect(playerPort, '127.0.0.1');
    await new Promise((r) => player.once('connect', r));
    const hello = Buffer.concat([
      handshake('Play.Example.com.', 2),
      encodePacket(0, encodeString('Steve')),
    ]);
    player.write(hello);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      player.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('welcome')) resolve(text);
      });
    });
    expect(answer).toContain('welcome');
    const atServer = Buffer.concat(received);
    const header = encodeProxyV2({
      sourceAddress: '127.0.0.1',
      sourcePort: player.localPort!,
      destAddress: '127.0.0.1',
      destPort: playerPort,
    });
    // The player's address first, then its bytes exactly as sent.
    expect(atServer.subarray(0, header.length)).toEqual(header);
    expect(atServer.subarray(header.length)).toEqual(hello);
    expect(link.relays).toBe(1);

    const ended = new Promise<void>((r) => player.once('end', () => r()));
    player.end();
    await ended;
    player.destroy();
    await waitFor(() => link.relays === 0, 'relay closed on the Link');

    // A player that logs in and half-closes at once: its FIN arrives while the Gate waits for
    // the Link's answer, and must still reach the server (which then closes its side).
    const quick: Socket = connect({ port: playerPort, host: '127.0.0.1', allowHalfOpen: true });
    await new Promise((r) => quick.once('connect', r));
    const quickEnded = new Promise<void>((r) => quick.once('end', () => r()));
    quick.on('data', () => {});
    quick.end(hello);
    await quickEnded;
    quick.destroy();
    await waitFor(() => link.relays === 0, 'the quick relay closed on the Link');
  });
});
