import { describe, expect, it } from 'vitest';
import { parseProxyHeader } from './proxy-header.js';

const v2 = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const SIG = '0d0a0d0a000d0a515549540a';

describe('PROXY protocol header', () => {
  it('parses a v1 TCP4 line and reports its length', () => {
    const buf = Buffer.from('PROXY TCP4 203.0.113.7 192.0.2.1 51234 25565\r\n\x10\x00');
    expect(parseProxyHeader(buf)).toEqual({
      kind: 'header',
      address: {
        sourceAddress: '203.0.113.7',
        sourcePort: 51234,
        destAddress: '192.0.2.1',
        destPort: 25565,
      },
      consumed: buf.length - 2,
    });
  });

  it('parses a v1 TCP6 line and UNKNOWN', () => {
    const r = parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::7 2001:db8::1 4000 25565\r\n'));
    expect(r.kind === 'header' && r.address?.sourceAddress).toBe('2001:db8::7');
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toEqual({
      kind: 'header',
      address: null,
      consumed: 15,
    });
  });

  it('waits for the rest of a split header', () => {
    expect(parseProxyHeader(Buffer.from('PRO'))).toEqual({ kind: 'incomplete' });
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3.4'))).toEqual({ kind: 'incomplete' });
    expect(parseProxyHeader(v2(SIG).subarray(0, 5))).toEqual({ kind: 'incomplete' });
    expect(parseProxyHeader(v2(`${SIG} 21 11 000c c0000201`))).toEqual({ kind: 'incomplete' });
  });

  it('says none for a Minecraft handshake', () => {
    expect(parseProxyHeader(Buffer.from('1700ff05', 'hex'))).toEqual({ kind: 'none' });
  });

  it('parses v2 PROXY over IPv4 and skips TLVs', () => {
    // src 203.0.113.7:51234 → dst 192.0.2.1:25565, then a 4-byte NOOP TLV, then player bytes.
    const header = v2(`${SIG} 21 11 0010 cb007107 c0000201 c822 63dd 04 0001 00`);
    const r = parseProxyHeader(Buffer.concat([header, Buffer.from([0x17, 0x00])]));
    expect(r).toEqual({
      kind: 'header',
      address: {
        sourceAddress: '203.0.113.7',
        sourcePort: 51234,
        destAddress: '192.0.2.1',
        destPort: 25565,
      },
      consumed: header.length,
    });
  });

  it('parses v2 PROXY over IPv6 in compressed form', () => {
    const src = '20010db8000000000000000000000007';
    const dst = '20010db8000000000000000000000001';
    const r = parseProxyHeader(v2(`${SIG} 21 21 0024 ${src} ${dst} 0fa0 63dd`));
    expect(r.kind === 'header' && r.address).toEqual({
      sourceAddress: '2001:db8::7',
      sourcePort: 4000,
      destAddress: '2001:db8::1',
      destPort: 25565,
    });
  });

  it('treats v2 LOCAL (health checks) as no address', () => {
    expect(parseProxyHeader(v2(`${SIG} 20 00 0000`))).toEqual({
      kind: 'header',
      address: null,
      consumed: 16,
    });
  });

  it('rejects malformed headers', () => {
    const bad = (buf: Buffer) =>
      expect(() => parseProxyHeader(buf)).toThrow(
        expect.objectContaining({ code: 'PROTO_ERR_BAD_PROXY_HEADER' }),
      );
    bad(Buffer.from(`PROXY TCP4 ${'1'.repeat(120)}`));
    bad(Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 x y\r\n'));
    bad(v2(`${SIG} 31 11 000c c0000201 c0000202 0001 0002`));
    bad(v2(`${SIG} 21 11 ffff`));
  });
});
