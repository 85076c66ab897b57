import { describe, expect, it } from 'vitest';
import { heartbeatClock } from './tunnel-heartbeat.js';

describe('heartbeatClock', () => {
  it('gives up a silent peer within three intervals, checked five times per interval', () => {
    const clock = heartbeatClock(5000);
    expect(clock.checkMs).toBe(1000);
    expect(clock.deadAfterMs).toBe(12_500);
    // Worst case: the last frame lands just after a check; detection waits for the next one.
    expect(clock.deadAfterMs + clock.checkMs).toBeLessThanOrEqual(3 * 5000);
  });

  it('pings once per interval, not on every check', () => {
    const clock = heartbeatClock(5000);
    expect(clock.pingDue(1000, 0)).toBe(false);
    expect(clock.pingDue(4000, 0)).toBe(false);
    expect(clock.pingDue(4600, 0)).toBe(true);
    expect(clock.pingDue(5000, 0)).toBe(true);
  });
});
