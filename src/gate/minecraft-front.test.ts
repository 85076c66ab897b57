import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mc from 'minecraft-protocol';
import {
  readPacket,
  readString,
  encodePacket,
  encodeString,
} from '../protocol/minecraft-packets.js';
import { encodeVarInt } from '../protocol/minecraft-varint.js';
import { DEFAULT_TEXTS } from './gate-config.js';
import type { Gate, GatePorts } from './gate.js';
import {
  login,
  ping,
  rawExchange,
  startBackend,
  startGate,
  type FakeTunnel,
} from './gate-test-kit.js';

let backend: { server: mc.Server; port: number };
let gate: Gate;
let ports: GatePorts;
let tunnel: FakeTunnel;
const joined: string[] = [];

beforeAll(async () => {
  backend = await startBackend('Backend MOTD');
  backend.server.on('playerJoin', (client: mc.ServerClient) => {
    joined.push(client.username);
    client.end('welcome, bye');
  });
  ({ gate, ports, tunnel } = await startGate(() => backend.port));
});

afterAll(async () => {
  await gate.close();
  backend.server.close();
});

const textOf = (description: unknown) =>
  typeof description === 'string' ? description : (description as { text: string }).text;

describe('Minecraft front: routed connections', () => {
  it('relays a server-list ping to the backend, pong included', async () => {
    const res = await ping('play.example.com', ports.playerPort);
    expect(textOf(res.description)).toBe('Backend MOTD');
    expect(res.players.max).toBe(20);
    expect(typeof res.latency).toBe('number');
  });

  it('relays a login: the real client reaches the play state on the backend', async () => {
    const res = await login('Play.Example.COM.', ports.playerPort, { username: 'Alex' });
    expect(res.joined).toBe(true);
    expect(joined).toContain('Alex');
  });

  it('matches Forge and TCPShield addresses by their host part', async () => {
    expect(
      (await login('play.example.com\0FML3\0', ports.playerPort, { username: 'Forge' })).joined,
    ).toBe(true);
    expect(
      (
        await login('play.example.com///203.0.113.9:5555///1', ports.playerPort, {
          username: 'Shield',
        })
      ).joined,
    ).toBe(true);
    expect(joined).toEqual(expect.arrayContaining(['Forge', 'Shield']));
  });

  it('tells the Link the player address', async () => {
    tunnel.opened.length = 0;
    await ping('play.example.com', ports.playerPort);
    expect(tunnel.opened[0]).toMatchObject({
      sourceAddress: '127.0.0.1',
      destAddress: '127.0.0.1',
      destPort: ports.playerPort,
    });
  });
});

describe('Minecraft front: answers for servers it cannot reach', () => {
  it('answers a status ping for an unknown host with the no-route MOTD and a pong', async () => {
    const res = await ping('nobody.example.org', ports.playerPort);
    expect(textOf(res.description)).toBe(DEFAULT_TEXTS.motdNoRoute);
    expect(res.version.protocol).toBe(767);
    expect(typeof res.latency).toBe('number');
  });

  it('disconnects a login to an unknown host with a message', async () => {
    const res = await login('nobody.example.org', ports.playerPort);
    expect(res).toMatchObject({ joined: false, ended: true, reason: DEFAULT_TEXTS.kickNoRoute });
  });

  it('answers with the offline MOTD when the Link has no session (wildcard route)', async () => {
    const res = await ping('lobby.offline.example.com', ports.playerPort);
    expect(textOf(res.description)).toBe(DEFAULT_TEXTS.motdOffline);
    expect(typeof res.latency).toBe('number');
    const kicked = await login('a.b.offline.example.com', ports.playerPort);
    expect(kicked.reason).toBe(DEFAULT_TEXTS.kickOffline);
  });

  it('disconnects a login whose target refuses, with the offline message', async () => {
    const res = await login('down.example.com', ports.playerPort);
    expect(res).toMatchObject({ joined: false, reason: DEFAULT_TEXTS.kickOffline });
  });

  // The route's remembered status (the server's own version and slots) with the offline MOTD
  // and nobody online; a login still gets the offline message, since a cached MOTD must not
  // look like a working server.
  async function expectRememberedButOffline(): Promise<void> {
    const res = await ping('play.example.com', ports.playerPort);
    expect(textOf(res.description)).toBe(DEFAULT_TEXTS.motdOffline);
    expect(res.players.online).toBe(0);
    expect(res.version.name).not.toBe(DEFAULT_TEXTS.versionName);
    expect(typeof res.latency).toBe('number');
    expect((await login('play.example.com', ports.playerPort)).reason).toBe(
      DEFAULT_TEXTS.kickOffline,
    );
  }

  it('answers as offline when the Link session vanishes while the channel is being opened', async () => {
    tunnel.vanishing.add(1);
    try {
      // The route's status was relayed earlier in this file, so the remembered one is shown.
      await expectRememberedButOffline();
    } finally {
      tunnel.vanishing.delete(1);
    }
  });

  it('disconnects a transfer (next state 3) to an unknown host with a login disconnect', async () => {
    const port = Buffer.alloc(2);
    port.writeUInt16BE(25565);
    const transfer = encodePacket(
      0x00,
      Buffer.concat([encodeVarInt(767), encodeString('nobody.example.org'), port, encodeVarInt(3)]),
    );
    const { data, timedOut } = await rawExchange(ports.playerPort, [transfer]);
    expect(timedOut).toBe(false);
    const packet = readPacket(data)!;
    expect(packet.id).toBe(0x00);
    expect(JSON.parse(readString(packet.body).value)).toEqual({ text: DEFAULT_TEXTS.kickNoRoute });
  });

  it('shows the last status it relayed for a route, with the offline MOTD, while its Link is offline', async () => {
    await ping('play.example.com', ports.playerPort);
    tunnel.online.delete(1);
    try {
      await expectRememberedButOffline();
    } finally {
      tunnel.online.add(1);
    }
  });

  it('answers a 1.6 legacy ping (FE 01 FA) with a legacy kick carrying the MOTD', async () => {
    const legacy = Buffer.concat([
      Buffer.from([0xfe, 0x01, 0xfa, 0x00, 0x0b]),
      Buffer.from('MC|PingHost', 'utf16le').swap16(),
    ]);
    const { data, timedOut } = await rawExchange(ports.playerPort, [legacy]);
    expect(timedOut).toBe(false);
    expect(data[0]).toBe(0xff);
    const text = Buffer.from(data.subarray(3)).swap16().toString('utf16le');
    expect(text.split('\0')).toEqual(['§1', '127', 'Gatelink', DEFAULT_TEXTS.motdLegacy, '0', '0']);
  });

  it('answers a lone FE (1.3 and older) once the client stays silent', async () => {
    const { data, timedOut, closedAfterMs } = await rawExchange(ports.playerPort, [
      Buffer.from([0xfe]),
    ]);
    expect(timedOut).toBe(false);
    expect(data[0]).toBe(0xff);
    expect(closedAfterMs).toBeLessThan(2000);
  });
});
