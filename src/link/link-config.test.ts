import { describe, expect, it } from 'vitest';
import { parseHostPort } from './gate-dial.js';
import { linkConfig } from './link-config.js';

describe('linkConfig', () => {
  it('fills defaults and freezes the result', () => {
    const config = linkConfig({ token: 'a-long-enough-token', linkId: 'host-1' });
    expect(config).toMatchObject({ linkId: 'host-1', poolSize: 0, targetTimeoutMs: 4000 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses a missing or short token without echoing it', () => {
    let caught: unknown;
    try {
      linkConfig({ token: 'short' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'LINK_ERR_CONFIG' });
    expect((caught as Error).message).not.toContain('short');
  });

  it('refuses out-of-range numbers', () => {
    expect(() => linkConfig({ token: 'a-long-enough-token', poolSize: 65 })).toThrow(
      expect.objectContaining({ code: 'LINK_ERR_CONFIG' }),
    );
    expect(() => linkConfig({ token: 'a-long-enough-token', targetTimeoutMs: 1.5 })).toThrow(
      expect.objectContaining({ code: 'LINK_ERR_CONFIG' }),
    );
  });
});

describe('parseHostPort', () => {
  it('reads host names, IPv4 and bracketed IPv6', () => {
    expect(parseHostPort('gate1.example.net:25590')).toEqual({
      host: 'gate1.example.net',
      port: 25590,
    });
    expect(parseHostPort('10.0.0.1:1')).toEqual({ host: '10.0.0.1', port: 1 });
    expect(parseHostPort('[2001:db8::1]:25590')).toEqual({ host: '2001:db8::1', port: 25590 });
  });

  it('refuses what is not host:port', () => {
    for (const bad of ['gate1', '2001:db8::1:25590', 'h:0', 'h:70000', ':25590']) {
      expect(() => parseHostPort(bad), bad).toThrow(
        expect.objectContaining({ code: 'LINK_ERR_CONFIG' }),
      );
    }
  });
});
