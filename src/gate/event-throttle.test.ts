import { describe, expect, it } from 'vitest';
import { EventThrottle } from './event-throttle.js';

describe('EventThrottle', () => {
  it('lets one event per key per window through and reports how many it held back', () => {
    let now = 0;
    const t = new EventThrottle<string>(1000, () => now);
    expect(t.offer('a', 'a1')).toEqual({ event: 'a1', suppressed: 0 });
    expect(t.offer('a', 'a2')).toBeNull();
    expect(t.offer('a', 'a3')).toBeNull();
    expect(t.offer('b', 'b1')).toEqual({ event: 'b1', suppressed: 0 });
    now = 1000;
    expect(t.offer('a', 'a4')).toEqual({ event: 'a4', suppressed: 2 });
  });

  it('forgets quiet keys on sweep', () => {
    let now = 0;
    const t = new EventThrottle<string>(1000, () => now);
    t.offer('a', 'x');
    now = 2000;
    t.sweep();
    expect(t.offer('a', 'y')).toEqual({ event: 'y', suppressed: 0 });
  });
});
