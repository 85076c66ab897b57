import { describe, expect, it } from 'vitest';
import fixtures from './fixtures/handshakes.json' with { type: 'json' };
import { HandshakeDecoder, lookupKeyOf, type HandshakeResult } from './minecraft-handshake.js';
import { encodeVarInt } from './minecraft-varint.js';
import { encodePacket, encodeString } from './minecraft-packets.js';

type FixtureName = keyof typeof fixtures;
const bytesOf = (name: FixtureName) => Buffer.from(fixtures[name].hex, 'hex');

function decodeAll(bytes: Buffer, maxBytes?: number): HandshakeResult | null {
  return new HandshakeDecoder(maxBytes === undefined ? {} : { maxBytes }).push(bytes);
}

function handshakeOf(bytes: Buffer) {
  const r = decodeAll(bytes);
  if (r?.kind !== 'handshake') throw new Error(`expected a handshake, got ${JSON.stringify(r)}`);
  return r.handshake;
}

/** A handshake built field by field, for shapes no client library produces. */
function buildHandshake(address: string, { protocol = 767, port = 25565, state = 2 } = {}): Buffer {
  const port16 = Buffer.alloc(2);
  port16.writeUInt16BE(port);
  return encodePacket(
    0x00,
    Buffer.concat([encodeVarInt(protocol), encodeString(address), port16, encodeVarInt(state)]),
  );
}

describe('handshakes captured from real clients', () => {
  it.each([
    ['vanilla-1.20.1-login', 763, 2, 'play.example.com'],
    ['vanilla-1.21.1-login', 767, 2, 'play.example.com'],
    ['vanilla-1.20.1-status', 763, 1, 'play.example.com'],
    ['vanilla-1.21.1-status', 767, 1, 'play.example.com'],
    ['forge-fml-1.12.2', 340, 2, 'mods.example.com'],
    ['forge-fml2-1.16.5', 754, 2, 'mods.example.com'],
    ['forge-fml3-1.20.1', 763, 2, 'mods.example.com'],
    ['bungeecord-forwarding', 763, 2, 'play.example.com'],
    ['tcpshield-suffix', 767, 2, 'play.example.com'],
    ['trailing-dot-uppercase', 767, 1, 'play.example.com'],
  ] as const)('%s: protocol %i, next state %i, key %s', (name, protocol, state, key) => {
    const hs = handshakeOf(bytesOf(name));
    expect(hs.protocolVersion).toBe(protocol);
    expect(hs.nextState).toBe(state);
    expect(hs.lookupKey).toBe(key);
  });

  it('keeps Forge markers in the raw address', () => {
    expect(handshakeOf(bytesOf('forge-fml-1.12.2')).address).toBe('mods.example.com\0FML\0');
    expect(handshakeOf(bytesOf('forge-fml2-1.16.5')).address).toBe('mods.example.com\0FML2\0');
    expect(handshakeOf(bytesOf('forge-fml3-1.20.1')).address).toBe('mods.example.com\0FML3\0');
  });

  it('reads a two-byte VarInt length (BungeeCord forwarding with properties)', () => {
    const bytes = bytesOf('bungeecord-forwarding');
    expect(bytes[0]! & 0x80).toBe(0x80);
    const hs = handshakeOf(bytes);
    expect(hs.consumed).toBe(2 + ((bytes[0]! & 0x7f) | (bytes[1]! << 7)));
    expect(hs.address.split('\0')[1]).toBe('203.0.113.7');
  });

  it('reports where the handshake ends when the login start shares the segment', () => {
    const bytes = bytesOf('vanilla-1.21.1-login');
    const hs = handshakeOf(bytes);
    expect(hs.consumed).toBe(bytes[0]! + 1);
    expect(hs.consumed).toBeLessThan(bytes.length);
    // The next packet is login start (id 0x00) carrying the username.
    expect(bytes.subarray(hs.consumed).toString('latin1')).toContain('Fixture');
  });

  it('decodes a handshake delivered one byte per read and keeps every byte', () => {
    for (const name of Object.keys(fixtures) as FixtureName[]) {
      const bytes = bytesOf(name);
      const decoder = new HandshakeDecoder();
      let result: HandshakeResult | null = null;
      let i = 0;
      for (; i < bytes.length && !result; i++) result = decoder.push(bytes.subarray(i, i + 1));
      expect(result?.kind, name).toBe('handshake');
      if (result?.kind === 'handshake') expect(i, name).toBe(result.handshake.consumed);
      expect(decoder.buffered.equals(bytes.subarray(0, i)), name).toBe(true);
    }
  });

  it('returns the buffered bytes unchanged, next packet included', () => {
    const bytes = bytesOf('vanilla-1.20.1-login');
    const decoder = new HandshakeDecoder();
    decoder.push(bytes.subarray(0, 10));
    decoder.push(bytes.subarray(10));
    expect(decoder.buffered.equals(bytes)).toBe(true);
  });
});

describe('lookup key', () => {
  it.each([
    ['Play.Example.COM', 'play.example.com'],
    ['play.example.com.', 'play.example.com'],
    ['play.example.com..', 'play.example.com'],
    ['mods.example.com\0FML2\0', 'mods.example.com'],
    ['play.example.com///1.2.3.4:5///99', 'play.example.com'],
    ['play.example.com\\\\extra', 'play.example.com'],
    ['PLAY.example.com.\0FML3\0', 'play.example.com'],
  ])('%j → %s', (raw, key) => {
    expect(lookupKeyOf(raw)).toBe(key);
  });
});

describe('limits and malformed input', () => {
  it('rejects a VarInt length longer than allowed', () => {
    expect(() => decodeAll(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(
      expect.objectContaining({ code: 'PROTO_ERR_VARINT_TOO_LONG' }),
    );
  });

  it('rejects an oversize handshake as soon as its length is known', () => {
    const header = encodeVarInt(100_000);
    expect(() => decodeAll(header)).toThrow(
      expect.objectContaining({ code: 'PROTO_ERR_HANDSHAKE_TOO_LARGE' }),
    );
    expect(() => decodeAll(bytesOf('bungeecord-forwarding'), 1024)).toThrow(
      expect.objectContaining({ code: 'PROTO_ERR_HANDSHAKE_TOO_LARGE' }),
    );
  });

  it('rejects a host longer than 255 characters but accepts long Forge/Bungee tails', () => {
    expect(() => decodeAll(buildHandshake('a'.repeat(256)))).toThrow(
      expect.objectContaining({ code: 'PROTO_ERR_ADDRESS_TOO_LONG' }),
    );
    expect(
      handshakeOf(buildHandshake(`${'a'.repeat(255)}\0${'x'.repeat(800)}`)).lookupKey,
    ).toHaveLength(255);
  });

  it('rejects an HTTP request at once', () => {
    expect(() => decodeAll(Buffer.from('GET / HTTP/1.1\r\n'))).toThrow(
      expect.objectContaining({ code: 'PROTO_ERR_BAD_HANDSHAKE' }),
    );
  });

  it('rejects an unknown next state and fields that overrun the packet', () => {
    expect(() => decodeAll(buildHandshake('a.example.com', { state: 4 }))).toThrow(
      expect.objectContaining({ code: 'PROTO_ERR_BAD_HANDSHAKE' }),
    );
    const truncated = encodePacket(
      0x00,
      Buffer.concat([encodeVarInt(767), encodeVarInt(40), Buffer.from('short')]),
    );
    expect(() => decodeAll(truncated)).toThrow(
      expect.objectContaining({ code: 'PROTO_ERR_BAD_HANDSHAKE' }),
    );
  });

  it('accepts the transfer state (3)', () => {
    expect(handshakeOf(buildHandshake('a.example.com', { state: 3 })).nextState).toBe(3);
  });
});

describe('legacy ping detection', () => {
  it('recognises the 1.6 ping (FE 01 FA ...)', () => {
    const ping16 = Buffer.concat([
      Buffer.from([0xfe, 0x01, 0xfa, 0x00, 0x0b]),
      Buffer.from('MC|PingHost', 'utf16le'),
    ]);
    expect(decodeAll(ping16)).toEqual({ kind: 'legacy' });
  });

  it('waits on FE and FE 01 (1.3 / 1.4 pings) and says they may be legacy', () => {
    const d = new HandshakeDecoder();
    expect(d.push(Buffer.from([0xfe]))).toBeNull();
    expect(d.maybeLegacy).toBe(true);
    expect(d.push(Buffer.from([0x01]))).toBeNull();
    expect(d.maybeLegacy).toBe(true);
  });

  it('reads a modern handshake whose length VarInt starts with 0xFE (254 bytes)', () => {
    // 254-byte packet: id (1) + protocol (2) + string prefix (2) + address + port (2) + state (1).
    const bytes = buildHandshake(`play.example.com\0${'x'.repeat(254 - 8 - 17)}`);
    expect([...bytes.subarray(0, 3)]).toEqual([0xfe, 0x01, 0x00]);
    expect(handshakeOf(bytes).lookupKey).toBe('play.example.com');
  });
});
