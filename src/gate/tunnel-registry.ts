import type { AgentSessions } from '../bus/types.js';
import type { TunnelConn } from './tunnel-conn.js';
import type { TunnelSession } from './tunnel-session.js';

/**
 * The live Link sessions of one Gate, by id and by agent, and the choice of a data channel:
 * round-robin across an agent's sessions that have an idle channel (load balancing; a session
 * that is gone has none, which is the failover).
 */
export class TunnelRegistry {
  readonly #byId = new Map<string, TunnelSession>();
  readonly #byAgent = new Map<number, TunnelSession[]>();
  readonly #next = new Map<number, number>();
  readonly #waiters = new Map<number, Set<() => void>>();

  add(session: TunnelSession): void {
    this.#byId.set(session.id, session);
    this.#byAgent.set(session.agentId, [...(this.#byAgent.get(session.agentId) ?? []), session]);
  }

  remove(session: TunnelSession): void {
    this.#byId.delete(session.id);
    const list = (this.#byAgent.get(session.agentId) ?? []).filter((s) => s !== session);
    if (list.length) this.#byAgent.set(session.agentId, list);
    else this.#byAgent.delete(session.agentId);
    // Opens waiting on this agent must learn it may now be offline.
    this.wake(session.agentId);
  }

  get(sessionId: string): TunnelSession | undefined {
    return this.#byId.get(sessionId);
  }

  all(): TunnelSession[] {
    return [...this.#byId.values()];
  }

  forAgent(agentId: number): readonly TunnelSession[] {
    return this.#byAgent.get(agentId) ?? [];
  }

  hasSession(agentId: number): boolean {
    return this.forAgent(agentId).length > 0;
  }

  summary(): AgentSessions[] {
    return [...this.#byAgent].map(([agentId, list]) => ({ agentId, links: list.length }));
  }

  /** Take an idle channel of the agent, starting after the session served last. */
  pick(agentId: number): { session: TunnelSession; conn: TunnelConn } | undefined {
    const list = this.forAgent(agentId);
    const start = this.#next.get(agentId) ?? 0;
    for (let i = 0; i < list.length; i++) {
      const index = (start + i) % list.length;
      const session = list[index]!;
      const conn = session.takeChannel();
      if (conn) {
        this.#next.set(agentId, index + 1);
        return { session, conn };
      }
    }
    return undefined;
  }

  /** Resolve when a channel of the agent may have become idle, its sessions changed, or at `deadline`. */
  waitForChannel(agentId: number, deadline: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const set = this.#waiters.get(agentId) ?? new Set<() => void>();
      this.#waiters.set(agentId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (!set.size) this.#waiters.delete(agentId);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      set.add(done);
    });
  }

  wake(agentId: number): void {
    for (const waiter of [...(this.#waiters.get(agentId) ?? [])]) waiter();
  }

  wakeAll(): void {
    for (const agentId of [...this.#waiters.keys()]) this.wake(agentId);
  }
}
