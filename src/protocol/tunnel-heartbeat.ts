/**
 * Heartbeat timing shared by both ends of a tunnel. A peer that has sent nothing for two and a
 * half heartbeat intervals is dead; silence is checked five times per interval, so a peer that
 * vanished (a paused process, a cut cable) is given up within three intervals at the latest.
 */
export interface HeartbeatClock {
  /** Milliseconds between two silence checks. */
  readonly checkMs: number;
  /** Silence after which the peer is declared dead. */
  readonly deadAfterMs: number;
  /** True when a ping is due at `now`, given when the last one was sent. */
  pingDue(now: number, lastPingAt: number): boolean;
}

/** The heartbeat clock for an interval of `heartbeatMs`. */
export function heartbeatClock(heartbeatMs: number): HeartbeatClock {
  const checkMs = Math.max(20, Math.round(heartbeatMs / 5));
  return {
    checkMs,
    deadAfterMs: Math.round(heartbeatMs * 2.5),
    // Half a check of slack so timer drift never skips an interval's ping.
    pingDue: (now, lastPingAt) => now - lastPingAt >= heartbeatMs - checkMs / 2,
  };
}
