import { describe, expect, it } from 'vitest';
import { checkPushUrl, checkTargetHost, normalizeDomain } from './validate.js';

describe('route and agent field checks', () => {
  it('lowercases domains and drops one trailing dot', () => {
    expect(normalizeDomain('Play.MyServer.com.')).toBe('play.myserver.com');
    expect(normalizeDomain('*.Example.COM')).toBe('*.example.com');
  });

  it.each([
    '',
    'a..b',
    '-x.com',
    'x-.com',
    'exa mple.com',
    '*.',
    'a.*.com',
    "x'; drop table routes;--",
    '<b>x</b>',
  ])('refuses the domain %j', (d) => {
    expect(() => normalizeDomain(d)).toThrow(
      expect.objectContaining({ code: 'HUB_ERR_VALIDATION', field: 'domain' }),
    );
  });

  it('takes IPv4, IPv6 and hostnames as targets', () => {
    expect(checkTargetHost('127.0.0.1')).toBe('127.0.0.1');
    expect(checkTargetHost('::1')).toBe('::1');
    expect(checkTargetHost('mc-backend.internal')).toBe('mc-backend.internal');
    expect(() => checkTargetHost('not a host')).toThrow(
      expect.objectContaining({ field: 'target_ip' }),
    );
  });

  it('takes only http(s) push URLs', () => {
    expect(checkPushUrl('http://10.0.0.5:9000')).toBe('http://10.0.0.5:9000');
    expect(checkPushUrl('https://link.example.com/push')).toBe('https://link.example.com/push');
    for (const bad of ['ftp://x', 'not a url', 'http://', 'javascript:alert(1)']) {
      expect(() => checkPushUrl(bad)).toThrow(expect.objectContaining({ field: 'push_url' }));
    }
  });
});
