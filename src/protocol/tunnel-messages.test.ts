import { describe, expect, it } from 'vitest';
import { hasCode } from '../shared/errors.js';
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from './tunnel-frame.js';
import { decodeMessage, encodeMessage, TunnelTag, type TunnelMessage } from './tunnel-messages.js';

const SAMPLES: TunnelMessage[] = [
  { type: 'challenge', version: 1, nonce: 'ab'.repeat(32) },
  { type: 'hello', version: 1, token: 't', linkId: 'host-a', software: '0.1.0' },
  {
    type: 'welcome',
    sessionId: 's',
    sessionKey: 'k',
    gateId: 'g',
    agentId: 3,
    poolSize: 4,
    heartbeatMs: 5000,
  },
  { type: 'refused', code: 'GATE_ERR_BAD_TOKEN', reason: 'no' },
  { type: 'ping', time: 1 },
  { type: 'pong', time: 1 },
  { type: 'drain', reason: 'shutdown' },
  { type: 'wantChannels', count: 2 },
  { type: 'dataHello', sessionId: 's', mac: 'm' },
  {
    type: 'open',
    routeId: 7,
    sourceAddress: '1.2.3.4',
    sourcePort: 5,
    destAddress: '6.7.8.9',
    destPort: 25565,
  },
  { type: 'openOk' },
  { type: 'openFailed', code: 'LINK_ERR_UNKNOWN_ROUTE', reason: 'no' },
];

function decodeAll(bytes: Buffer): TunnelMessage[] {
  const decoder = new FrameDecoder();
  decoder.push(bytes);
  const out: TunnelMessage[] = [];
  for (let f = decoder.next(); f; f = decoder.next()) out.push(decodeMessage(f));
  return out;
}

describe('tunnel message set', () => {
  it('keeps every tag at its published value', () => {
    expect(TunnelTag).toEqual({
      challenge: 0x01,
      hello: 0x02,
      welcome: 0x03,
      refused: 0x04,
      ping: 0x05,
      pong: 0x06,
      drain: 0x07,
      wantChannels: 0x08,
      dataHello: 0x10,
      open: 0x11,
      openOk: 0x12,
      openFailed: 0x13,
    });
    expect(new Set(Object.values(TunnelTag)).size).toBe(Object.keys(TunnelTag).length);
  });

  it('writes each message behind its tag and reads it back unchanged', () => {
    for (const message of SAMPLES) {
      const bytes = encodeMessage(message);
      expect(bytes.readUInt32BE(0)).toBe(bytes.length - 4);
      expect(bytes[4]).toBe(TunnelTag[message.type]);
      expect(decodeAll(bytes)).toEqual([message]);
    }
    expect(SAMPLES.map((m) => m.type).sort()).toEqual(Object.keys(TunnelTag).sort());
  });

  it('reassembles frames split at every byte and frames sharing one chunk', () => {
    const bytes = Buffer.concat(SAMPLES.map(encodeMessage));
    const decoder = new FrameDecoder();
    const out: TunnelMessage[] = [];
    for (const byte of bytes) {
      decoder.push(Buffer.from([byte]));
      for (let f = decoder.next(); f; f = decoder.next()) out.push(decodeMessage(f));
    }
    expect(out).toEqual(SAMPLES);
    expect(decodeAll(bytes)).toEqual(SAMPLES);
  });

  it('leaves the raw bytes after a frame to the caller', () => {
    const decoder = new FrameDecoder();
    decoder.push(
      Buffer.concat([encodeMessage({ type: 'openOk' }), Buffer.from('raw backend bytes')]),
    );
    expect(decodeMessage(decoder.next()!)).toEqual({ type: 'openOk' });
    expect(decoder.rest().toString()).toBe('raw backend bytes');
    expect(decoder.buffered).toBe(0);
  });

  it('refuses an oversize frame from its header alone', () => {
    const decoder = new FrameDecoder();
    const header = Buffer.alloc(5);
    header.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
    decoder.push(header);
    expect(() => decoder.next()).toThrow(
      expect.objectContaining({ code: 'PROTO_ERR_FRAME_TOO_LARGE' }),
    );
    expect(() => encodeFrame(1, Buffer.alloc(MAX_FRAME_BYTES))).toThrow(
      expect.objectContaining({ code: 'PROTO_ERR_FRAME_TOO_LARGE' }),
    );
  });

  it('refuses a frame without a tag, an unknown tag, bad JSON and wrong field types', () => {
    const empty = new FrameDecoder();
    empty.push(Buffer.alloc(4));
    expect(() => empty.next()).toThrow(expect.objectContaining({ code: 'PROTO_ERR_BAD_FRAME' }));

    const cases: Array<[Buffer, string]> = [
      [encodeFrame(0x7f, Buffer.from('{}')), 'PROTO_ERR_UNKNOWN_TAG'],
      [encodeFrame(TunnelTag.ping, Buffer.from('{nope')), 'PROTO_ERR_BAD_MESSAGE'],
      [encodeFrame(TunnelTag.ping, Buffer.from('[1]')), 'PROTO_ERR_BAD_MESSAGE'],
      [encodeFrame(TunnelTag.ping, Buffer.from('{"time":"1"}')), 'PROTO_ERR_BAD_MESSAGE'],
      [encodeFrame(TunnelTag.open, Buffer.from('{"routeId":1.5}')), 'PROTO_ERR_BAD_MESSAGE'],
      [encodeFrame(TunnelTag.hello, Buffer.from('{"version":1}')), 'PROTO_ERR_BAD_MESSAGE'],
    ];
    for (const [bytes, code] of cases) {
      let caught: unknown;
      try {
        decodeAll(bytes);
      } catch (err) {
        caught = err;
      }
      expect(hasCode(caught, code), `${bytes.toString('hex')} → ${code}`).toBe(true);
    }
  });

  it('drops fields it does not know so a newer peer can add optional ones', () => {
    const bytes = encodeFrame(TunnelTag.pong, Buffer.from('{"time":3,"extra":true}'));
    expect(decodeAll(bytes)).toEqual([{ type: 'pong', time: 3 }]);
  });
});
