import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type mc from 'minecraft-protocol';
import { encodePacket, encodeString } from '../protocol/minecraft-packets.js';
import { encodeVarInt } from '../protocol/minecraft-varint.js';
import { DEFAULT_TEXTS } from './gate-config.js';
import type { Gate } from './gate.js';
import { login, ping, rawExchange, startBackend, startGate } from './gate-test-kit.js';

let backend: { server: mc.Server; port: number };
const gates: Gate[] = [];

beforeAll(async () => {
  backend = await startBackend();
  backend.server.on('playerJoin', (client: mc.ServerClient) => client.end('bye'));
});
afterEach(async () => {
  await Promise.all(gates.splice(0).map((g) => g.close()));
});
afterAll(() => {
  backend.server.close();
});

async function gateWith(overrides: Parameters<typeof startGate>[1]) {
  const started = await startGate(() => backend.port, overrides);
  gates.push(started.gate);
  return started;
}

function statusHandshake(host: string): Buffer {
  const port = Buffer.alloc(2);
  port.writeUInt16BE(25565);
  return encodePacket(
    0x00,
    Buffer.concat([encodeVarInt(767), encodeString(host), port, encodeVarInt(1)]),
  );
}
const STATUS_REQUEST = Buffer.from([0x01, 0x00]);

describe('handshake limits', () => {
  it('drops a client that does not finish its handshake in time', async () => {
    const { ports } = await gateWith({ handshakeTimeoutMs: 400 });
    const partial = await rawExchange(ports.playerPort, [
      statusHandshake('a.example.com').subarray(0, 5),
    ]);
    const silent = await rawExchange(ports.playerPort, []);
    for (const r of [partial, silent]) {
      expect(r.timedOut).toBe(false);
      expect(r.data.length).toBe(0);
      expect(r.closedAfterMs).toBeGreaterThanOrEqual(350);
      expect(r.closedAfterMs).toBeLessThan(3000);
    }
  });

  it('closes an oversize or malformed handshake and only that connection', async () => {
    const { ports } = await gateWith({ maxHandshakeBytes: 512 });
    // A well-behaved client in the middle of its handshake…
    const slow = net.connect(ports.playerPort, '127.0.0.1');
    const received: Buffer[] = [];
    slow.on('data', (d) => received.push(d));
    const hs = statusHandshake('nobody.example.org');
    await new Promise<void>((r) => slow.once('connect', () => r()));
    slow.write(hs.subarray(0, 6));
    // …while others send garbage.
    const oversize = await rawExchange(ports.playerPort, [encodeVarInt(513)]);
    const http = await rawExchange(ports.playerPort, [Buffer.from('GET / HTTP/1.1\r\n\r\n')]);
    for (const r of [oversize, http]) {
      expect(r.timedOut).toBe(false);
      expect(r.closedAfterMs).toBeLessThan(1000);
    }
    slow.write(Buffer.concat([hs.subarray(6), STATUS_REQUEST]));
    await new Promise((r) => setTimeout(r, 300));
    slow.destroy();
    const reply = Buffer.concat(received).toString('utf8');
    expect(reply).toContain(JSON.stringify(DEFAULT_TEXTS.motdNoRoute).slice(1, -1));
  });

  it.each([
    ['in total', { maxHalfOpen: 2 }],
    ['per address', { maxHalfOpenPerAddress: 2 }],
  ])(
    'refuses connections past the half-open cap (%s) and accepts again once they go',
    async (_, caps) => {
      const { ports } = await gateWith(caps);
      const idle = await Promise.all(
        [0, 1].map(
          () =>
            new Promise<net.Socket>((resolve) => {
              const s = net.connect(ports.playerPort, '127.0.0.1', () => resolve(s));
              s.on('error', () => {});
            }),
        ),
      );
      await new Promise((r) => setTimeout(r, 100));
      const third = await rawExchange(ports.playerPort, [
        statusHandshake('x.example.org'),
        STATUS_REQUEST,
      ]);
      expect(third.timedOut).toBe(false);
      expect(third.data.length).toBe(0);
      for (const s of idle) s.destroy();
      await new Promise((r) => setTimeout(r, 100));
      const res = await ping('x.example.org', ports.playerPort);
      expect(res.description).toMatchObject({ text: DEFAULT_TEXTS.motdNoRoute });
    },
  );
});

describe('per-address rate limits', () => {
  it('limits logins and status pings in separate buckets', async () => {
    const { ports } = await gateWith({
      loginRate: { perSecond: 0.01, burst: 2 },
      statusRate: { perSecond: 0.01, burst: 3 },
    });
    const logins = [];
    for (let i = 0; i < 3; i++)
      logins.push((await login('nobody.example.org', ports.playerPort)).reason);
    expect(logins).toEqual([
      DEFAULT_TEXTS.kickNoRoute,
      DEFAULT_TEXTS.kickNoRoute,
      DEFAULT_TEXTS.kickRateLimited,
    ]);
    // Logins used up their bucket; pings still have theirs.
    for (let i = 0; i < 3; i++) {
      expect((await ping('nobody.example.org', ports.playerPort)).description).toMatchObject({
        text: DEFAULT_TEXTS.motdNoRoute,
      });
    }
    await expect(
      ping('nobody.example.org', ports.playerPort, { closeTimeout: 1000 }),
    ).rejects.toBeTruthy();
  });
});

describe('PROXY protocol on the player listener', () => {
  const v1 = Buffer.from('PROXY TCP4 203.0.113.7 198.51.100.1 40000 25565\r\n');
  const v2 = Buffer.from(
    '0d0a0d0a000d0a515549540a211100' + '0c' + 'cb007108' + 'c6336401' + '9c41' + '63dd',
    'hex',
  );
  const viaProxy = (port: number, header: Buffer) => () => {
    const s = net.connect(port, '127.0.0.1');
    s.write(header);
    return s;
  };

  it('takes the player address from a v1 or v2 header sent by a trusted peer', async () => {
    const { ports, tunnel } = await gateWith({ proxyProtocolTrusted: ['127.0.0.0/8', '::1'] });
    expect(
      (
        await login('play.example.com', ports.playerPort, {
          socket: viaProxy(ports.playerPort, v1),
        })
      ).joined,
    ).toBe(true);
    expect(
      (
        await login('play.example.com', ports.playerPort, {
          socket: viaProxy(ports.playerPort, v2),
        })
      ).joined,
    ).toBe(true);
    // A trusted peer may also connect without a header (its own address stands).
    expect((await login('play.example.com', ports.playerPort)).joined).toBe(true);
    expect(
      tunnel.opened.map((c) => [c.sourceAddress, c.sourcePort, c.destAddress, c.destPort]),
    ).toEqual([
      ['203.0.113.7', 40000, '198.51.100.1', 25565],
      ['203.0.113.8', 40001, '198.51.100.1', 25565],
      ['127.0.0.1', expect.any(Number), '127.0.0.1', ports.playerPort],
    ]);
  });

  it('refuses a PROXY header from a peer outside the trusted ranges', async () => {
    const { ports, tunnel } = await gateWith({ proxyProtocolTrusted: ['10.0.0.0/8'] });
    const res = await rawExchange(ports.playerPort, [
      v1,
      statusHandshake('play.example.com'),
      STATUS_REQUEST,
    ]);
    expect(res.timedOut).toBe(false);
    expect(res.data.length).toBe(0);
    expect(tunnel.opened).toEqual([]);
  });
});
