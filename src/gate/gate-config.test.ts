import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS, resolveGateConfig, trustedBlockList } from './gate-config.js';

const bad = (fn: () => unknown) =>
  expect(fn).toThrow(expect.objectContaining({ code: 'GATE_ERR_BAD_CONFIG' }));

describe('resolveGateConfig', () => {
  it('fills documented defaults and freezes the result', () => {
    const c = resolveGateConfig({ id: 'g1' });
    expect(c).toMatchObject({
      name: 'g1',
      listen: { host: '0.0.0.0', port: 25565 },
      tunnelListen: { host: '0.0.0.0', port: 25590 },
      tunnelTls: true,
      handshakeTimeoutMs: 5000,
      maxHandshakeBytes: 4096,
      maxHalfOpen: 2048,
      maxHalfOpenPerAddress: 32,
      statusRate: { perSecond: 10, burst: 20 },
      loginRate: { perSecond: 3, burst: 10 },
      presenceIntervalMs: 2000,
      trafficFlushMs: 2000,
      texts: DEFAULT_TEXTS,
    });
    expect(Object.isFrozen(c) && Object.isFrozen(c.texts) && Object.isFrozen(c.listen)).toBe(true);
  });

  it('keeps default texts for the ones not given', () => {
    const c = resolveGateConfig({ id: 'g1', texts: { motdOffline: 'brb' } });
    expect(c.texts).toEqual({ ...DEFAULT_TEXTS, motdOffline: 'brb' });
  });

  it('rejects out-of-range values', () => {
    bad(() => resolveGateConfig({ id: '' }));
    bad(() => resolveGateConfig({ id: 'x'.repeat(65) }));
    bad(() => resolveGateConfig({ id: 'g', listen: { host: '0.0.0.0', port: 70000 } }));
    bad(() => resolveGateConfig({ id: 'g', handshakeTimeoutMs: 10 }));
    bad(() => resolveGateConfig({ id: 'g', maxHandshakeBytes: 100_000 }));
    bad(() => resolveGateConfig({ id: 'g', loginRate: { perSecond: -1, burst: 1 } }));
    bad(() => resolveGateConfig({ id: 'g', statusRate: { perSecond: 1, burst: 0 } }));
    bad(() => resolveGateConfig({ id: 'g', proxyProtocolTrusted: ['not-an-address'] }));
  });
});

describe('trusted PROXY sources', () => {
  it('matches CIDRs and single addresses of both families', () => {
    const list = trustedBlockList(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1']);
    expect(list.check('10.200.3.4', 'ipv4')).toBe(true);
    expect(list.check('192.0.2.7', 'ipv4')).toBe(true);
    expect(list.check('192.0.2.8', 'ipv4')).toBe(false);
    expect(list.check('2001:db8:1::5', 'ipv6')).toBe(true);
    expect(list.check('::1', 'ipv6')).toBe(true);
    expect(list.check('2001:db9::1', 'ipv6')).toBe(false);
  });

  it('rejects bad prefixes', () => {
    bad(() => trustedBlockList(['10.0.0.0/33']));
    bad(() => trustedBlockList(['2001:db8::/129']));
    bad(() => trustedBlockList(['10.0.0.0/x']));
  });
});
