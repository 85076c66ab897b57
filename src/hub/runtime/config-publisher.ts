import type { Bus } from '../../bus/bus.js';
import { buildLinkView } from '../../bus/link-view.js';
import type {
  AgentConfig,
  ConfigSnapshot,
  GatePresence,
  LinkView,
  RouteConfig,
} from '../../bus/types.js';
import { hashToken } from '../../shared/token-hash.js';
import type { HubState } from './store.js';

/** What one publication put on the bus. */
export interface Publication {
  readonly snapshot: ConfigSnapshot;
  /** The live Gates the views were built with. */
  readonly gates: readonly GatePresence[];
  /** Each agent's view, by agent id. */
  readonly views: ReadonlyMap<number, LinkView>;
}

/** Publishes the config snapshot and every agent's Link view. */
export interface ConfigPublisher {
  /**
   * Publish `state`. Views equal to what this publisher last wrote are skipped, unless `force`
   * and the bus does not hold this very snapshot (a Redis that restarted empty is refilled).
   * Returns null when the bus already holds a newer version: whoever published it also
   * published its views.
   */
  publish(state: HubState, force: boolean): Promise<Publication | null>;
}

/**
 * The data-plane snapshot of `state`. Fields are copied one by one so nothing the store adds to
 * its rows (the token above all) can reach the bus; the token hash is derived from the token
 * itself so it always matches what a Link computes.
 */
export function toSnapshot(state: HubState): ConfigSnapshot {
  const routes: RouteConfig[] = state.routes.map((r) => ({
    id: r.id,
    domain: r.domain,
    targetIp: r.targetIp,
    targetPort: r.targetPort,
    agentId: r.agentId,
    proxyProtocol: r.proxyProtocol,
  }));
  const agents: AgentConfig[] = state.agents.map((a) => ({
    id: a.id,
    name: a.name,
    mode: a.mode,
    enabled: a.enabled,
    tokenHash: hashToken(a.token),
  }));
  return { version: state.version, routes, agents };
}

/** Create a publisher; it remembers what it wrote so rotated tokens' views can be withdrawn. */
export function createConfigPublisher({ bus }: { bus: Bus }): ConfigPublisher {
  // token hash → JSON of the view last written under it
  const written = new Map<string, string>();

  return {
    async publish(state, force) {
      const snapshot = toSnapshot(state);
      const previous = await bus.readConfig();
      if (previous && previous.version > snapshot.version) return null;
      // The bus holding exactly this snapshot means it lost nothing: a periodic heal then only
      // writes what changed, instead of waking every Gate and Link with identical data.
      const intact = previous !== null && JSON.stringify(previous) === JSON.stringify(snapshot);
      const rewrite = force && !intact;
      if (!intact) await bus.publishConfig(snapshot);
      const gates = await bus.listGates();

      const views = new Map<number, LinkView>();
      const current = new Set<string>();
      const writes: Promise<void>[] = [];
      for (const agent of snapshot.agents) {
        const view = buildLinkView(snapshot, gates, agent.id);
        if (!view) continue;
        views.set(agent.id, view);
        current.add(agent.tokenHash);
        const json = JSON.stringify(view);
        if (!rewrite && written.get(agent.tokenHash) === json) continue;
        writes.push(
          bus
            .publishLinkView(agent.tokenHash, view)
            .then(() => void written.set(agent.tokenHash, json)),
        );
      }
      // Hashes that vanished: from this process's memory and from the snapshot being replaced,
      // so a token rotated through another Hub (or before a restart) is withdrawn too.
      const vanished = new Set([
        ...written.keys(),
        ...(previous?.agents.map((a) => a.tokenHash) ?? []),
      ]);
      for (const hash of vanished) {
        if (current.has(hash)) continue;
        writes.push(bus.publishLinkView(hash, null).then(() => void written.delete(hash)));
      }
      await Promise.all(writes);
      return { snapshot, gates, views };
    },
  };
}
