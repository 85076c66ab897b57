import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst, then refills at the configured rate', () => {
    let now = 0;
    const rl = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([rl.take('a'), rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now = 499;
    expect(rl.take('a')).toBe(false);
    now = 500;
    expect(rl.take('a')).toBe(true);
    expect(rl.take('a')).toBe(false);
  });

  it('keeps a separate bucket per address', () => {
    const rl = new RateLimiter({ perSecond: 1, burst: 1 }, () => 0);
    expect(rl.take('a')).toBe(true);
    expect(rl.take('a')).toBe(false);
    expect(rl.take('b')).toBe(true);
  });

  it('is disabled with a rate of zero', () => {
    const rl = new RateLimiter({ perSecond: 0, burst: 1 }, () => 0);
    for (let i = 0; i < 100; i++) expect(rl.take('a')).toBe(true);
    expect(rl.size).toBe(0);
  });

  it('forgets refilled buckets on sweep', () => {
    let now = 0;
    const rl = new RateLimiter({ perSecond: 10, burst: 5 }, () => now);
    rl.take('a');
    rl.take('b');
    for (let i = 0; i < 5; i++) rl.take('c');
    now = 150;
    rl.sweep();
    expect(rl.size).toBe(1);
    now = 1000;
    rl.sweep();
    expect(rl.size).toBe(0);
  });
});
