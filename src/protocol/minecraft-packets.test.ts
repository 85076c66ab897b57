import { describe, expect, it } from 'vitest';
import {
  decodeStatusResponse,
  encodeLoginDisconnect,
  encodePong,
  encodeStatusResponse,
  readPacket,
  readString,
} from './minecraft-packets.js';
import { encodeLegacyKick } from './minecraft-legacy.js';
import { encodeVarInt, readVarInt } from './minecraft-varint.js';

describe('VarInt', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [255, 'ff01'],
    [25565, 'ddc701'],
    [2097151, 'ffff7f'],
    [2147483647, 'ffffffff07'],
    [-1, 'ffffffff0f'],
  ])('%i ⇄ %s', (value, hex) => {
    expect(encodeVarInt(value).toString('hex')).toBe(hex);
    expect(readVarInt(Buffer.from(hex, 'hex'))).toEqual({ value, size: hex.length / 2 });
  });

  it('returns null for an incomplete VarInt', () => {
    expect(readVarInt(Buffer.from([0x80, 0x80]))).toBeNull();
  });
});

describe('encoders', () => {
  it('frames a status response the client can read back', () => {
    const status = {
      version: { name: 'Gatelink', protocol: 767 },
      players: { max: 0, online: 0 },
      description: { text: 'hi' },
    };
    const bytes = encodeStatusResponse(status);
    expect(JSON.parse(decodeStatusResponse(bytes)!)).toEqual(status);
  });

  it('echoes the ping payload in the pong (hex pinned)', () => {
    const payload = Buffer.from('0000019384b2c3d4', 'hex');
    expect(encodePong(payload).toString('hex')).toBe('09010000019384b2c3d4');
  });

  it('writes a login disconnect as a JSON text component (hex pinned)', () => {
    expect(encodeLoginDisconnect('bye').toString('hex')).toBe(
      '1000' + '0e' + Buffer.from('{"text":"bye"}').toString('hex'),
    );
    const packet = readPacket(encodeLoginDisconnect({ text: 'x', color: 'red' }))!;
    expect(packet.id).toBe(0);
    expect(JSON.parse(readString(packet.body).value)).toEqual({ text: 'x', color: 'red' });
  });

  it('uses a multi-byte length for a long status response', () => {
    const bytes = encodeStatusResponse('x'.repeat(300));
    expect(readVarInt(bytes)!.size).toBe(2);
    expect(decodeStatusResponse(bytes)).toBe('x'.repeat(300));
  });

  it('rejects a packet longer than the bound', () => {
    expect(() => readPacket(encodeVarInt(40_000))).toThrow(
      expect.objectContaining({ code: 'PROTO_ERR_BAD_PACKET' }),
    );
  });

  it('encodes the legacy kick as UTF-16BE with its length in code units (hex pinned)', () => {
    const bytes = encodeLegacyKick({
      protocolVersion: 127,
      versionName: 'G',
      motd: 'M',
      online: 0,
      max: 1,
    });
    const text = '\u00a71\u0000127\u0000G\u0000M\u00000\u00001';
    expect(bytes[0]).toBe(0xff);
    expect(bytes.readUInt16BE(1)).toBe(text.length);
    expect(bytes.subarray(0, 7).toString('hex')).toBe('ff000e00a70031');
    expect(Buffer.from(bytes.subarray(3)).swap16().toString('utf16le')).toBe(text);
  });
});
