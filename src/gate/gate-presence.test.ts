import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { advertisedTunnelAddr, hostOf, joinHostPort } from './gate-presence.js';

describe('advertised tunnel address', () => {
  it('uses the configured address as is', () => {
    expect(
      advertisedTunnelAddr('gate1.example.net:443', { host: '0.0.0.0', port: 25590 }, 25590),
    ).toBe('gate1.example.net:443');
  });

  it('uses the listener host and the bound port', () => {
    expect(advertisedTunnelAddr(undefined, { host: '127.0.0.1', port: 0 }, 40123)).toBe(
      '127.0.0.1:40123',
    );
    expect(advertisedTunnelAddr(undefined, { host: '::1', port: 0 }, 40123)).toBe('[::1]:40123');
  });

  it('replaces a wildcard bind with the public host, else the host name', () => {
    expect(
      advertisedTunnelAddr(undefined, { host: '0.0.0.0', port: 25590 }, 25590, 'mc.example.net'),
    ).toBe('mc.example.net:25590');
    expect(advertisedTunnelAddr(undefined, { host: '::', port: 25590 }, 25590)).toBe(
      `${hostname()}:25590`,
    );
  });

  it('splits host:port forms', () => {
    expect(hostOf('mc.example.net:25565')).toBe('mc.example.net');
    expect(hostOf('[2001:db8::1]:25565')).toBe('2001:db8::1');
    expect(hostOf('0.0.0.0:25565')).toBeUndefined();
    expect(hostOf(undefined)).toBeUndefined();
    expect(joinHostPort('2001:db8::1', 1)).toBe('[2001:db8::1]:1');
  });
});
