import { describe, expect, it } from 'vitest';
import { encodeProxyV2 } from './proxy-v2.js';

const SIG = '0d0a0d0a000d0a515549540a';

describe('encodeProxyV2', () => {
  it('writes a TCP over IPv4 header byte for byte', () => {
    const header = encodeProxyV2({
      sourceAddress: '192.168.0.1',
      sourcePort: 56324,
      destAddress: '192.168.0.11',
      destPort: 443,
    });
    expect(header.toString('hex')).toBe(`${SIG}2111000cc0a80001c0a8000bdc0401bb`);
  });

  it('writes a TCP over IPv6 header byte for byte', () => {
    const header = encodeProxyV2({
      sourceAddress: '::1',
      sourcePort: 1,
      destAddress: '2001:db8::1',
      destPort: 25565,
    });
    expect(header.toString('hex')).toBe(
      `${SIG}21210024` +
        '00000000000000000000000000000001' +
        '20010db8000000000000000000000001' +
        '000163dd',
    );
  });

  it('unmaps IPv4-mapped IPv6 peers of a dual-stack listener to IPv4', () => {
    const header = encodeProxyV2({
      sourceAddress: '::ffff:10.0.0.7',
      sourcePort: 40000,
      destAddress: '::ffff:10.0.0.1',
      destPort: 25565,
    });
    expect(header.subarray(12, 16).toString('hex')).toBe('2111000c');
    expect(header.subarray(16, 24).toString('hex')).toBe('0a0000070a000001');
  });

  it('writes mixed families as IPv6 with the IPv4 side mapped', () => {
    const header = encodeProxyV2({
      sourceAddress: '1.2.3.4',
      sourcePort: 2,
      destAddress: 'fe80::1',
      destPort: 3,
    });
    expect(header[13]).toBe(0x21);
    expect(header.subarray(16, 32).toString('hex')).toBe('00000000000000000000ffff01020304');
    expect(header.subarray(32, 48).toString('hex')).toBe('fe800000000000000000000000000001');
  });

  it('refuses something that is not an IP address', () => {
    expect(() =>
      encodeProxyV2({
        sourceAddress: 'example.com',
        sourcePort: 1,
        destAddress: '1.1.1.1',
        destPort: 1,
      }),
    ).toThrow(TypeError);
  });
});
