import type { Registry } from 'prom-client';
import type { Bus } from '../../bus/bus.js';
import type { GatePresence, LinkView, LogEvent, Unsubscribe } from '../../bus/types.js';
import type { Logger } from '../../shared/logger.js';
import type { GateJson, StatsJson } from './api-shapes.js';
import { createCoalescer } from './coalescer.js';
import { createConfigPublisher } from './config-publisher.js';
import { createLeaderLease } from './leader-lease.js';
import { createHubMetrics } from './metrics.js';
import { agentPresenceFrom, endpointsKey, gatesJson, type AgentPresence } from './presence.js';
import type { PushTarget } from './push-request.js';
import { createPusher, type PushOptions } from './pusher.js';
import { aggregateStats } from './stats.js';
import { createStatsSampler } from './stats-sampler.js';
import type { HubState, HubStore } from './store.js';
import { every, type Ticker } from './ticker.js';

/** Intervals of the runtime's loops, in ms; the defaults suit production. */
export interface HubRuntimeTimings {
  /** Poll the bus for live Gates and record them in the store; default 2 000. */
  gatePollMs?: number;
  /** Full re-publish of config and views by the leader; default 15 000. */
  republishMs?: number;
  /** Traffic sample for the Stats history; default 10 000. */
  statsSampleMs?: number;
  /** Leader lease duration, renewed every third of it; default 10 000. */
  leaseTtlMs?: number;
  /** Wait before retrying a failed publication; default 1 000. */
  retryMs?: number;
}

/** What the runtime is built from. */
export interface HubRuntimeOptions {
  bus: Bus;
  log: Logger;
  /** Unique per Hub process sharing the bus: the leader lease's owner. */
  hubId: string;
  store: HubStore;
  pushOptions?: PushOptions;
  timings?: HubRuntimeTimings;
}

/** The Hub's background services: config publishing, pushes, Gate tracking, logs and stats. */
export interface HubRuntime {
  /** Publish the current config, take part in the leader election, start the loops. */
  start(): Promise<void>;
  /** The database changed: publish (and push) the new state. Bursts are folded together. */
  notifyChanged(): void;
  /** Resolves once every requested publication has been carried out (tests, graceful exits). */
  idle(): Promise<void>;
  /** The Stats object of `GET /api/stats`. */
  stats(): Promise<StatsJson>;
  /** The Gate list of `GET /api/gates`, online first. */
  gates(): Promise<GateJson[]>;
  /** Live presence by agent id (every agent of the last loaded config has an entry). */
  agentPresence(): Promise<Map<number, AgentPresence>>;
  /** Prometheus registry with the `gatelink_hub_*` metrics. */
  readonly metrics: Registry;
  /** True while this Hub runs the once-only duties. */
  isLeader(): boolean;
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/** Create the Hub runtime; nothing runs before `start()`. */
export function createHubRuntime({
  bus,
  log,
  hubId,
  store,
  pushOptions = {},
  timings = {},
}: HubRuntimeOptions): HubRuntime {
  const gatePollMs = timings.gatePollMs ?? 2_000;
  const republishMs = timings.republishMs ?? 15_000;
  const statsSampleMs = timings.statsSampleMs ?? 10_000;
  const leaseTtlMs = timings.leaseTtlMs ?? 10_000;
  const retryMs = timings.retryMs ?? 1_000;
  const resendMs = pushOptions.resendMs ?? 60_000;

  const metrics = createHubMetrics();
  const publisher = createConfigPublisher({ bus });
  const sampler = createStatsSampler({ bus, store });
  const pusher = createPusher({ log, metrics, options: pushOptions, report: (e) => record(e) });

  let lastState: HubState | null = null;
  let lastVersion = -1;
  let lastEndpoints: string | null = null;
  let lastResendAt = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let started = false;
  let stopped = false;
  let unwatchLogs: Unsubscribe | undefined;
  const unwatch: Unsubscribe[] = [];
  const tickers: Ticker[] = [];
  let ingestFailing = false;
  let staleReads = 0;

  const record = (event: LogEvent) => {
    store
      .insertLog(event)
      .catch((err: unknown) => log.warn({ err }, 'could not store a log entry'));
  };

  const pushTargets = (state: HubState, views: ReadonlyMap<number, LinkView>): PushTarget[] =>
    state.agents.flatMap((a) => {
      const view = views.get(a.id);
      return a.mode === 'push' && a.pushUrl && view
        ? [{ agentId: a.id, url: a.pushUrl, token: a.token, view }]
        : [];
    });

  const refresh = async (force: boolean) => {
    const state = await store.loadState();
    lastState = state;
    // Before publishing, so the echo of our own publication is not taken for someone else's.
    lastVersion = Math.max(lastVersion, state.version);
    metrics.routes.set(state.routes.length);
    metrics.agents.set(state.agents.length);
    const publication = await publisher.publish(state, force);
    if (!publication) {
      // The bus holds a newer version than our read. Another Hub's commit racing ours settles
      // at the next read; a database older than the bus (restored from a backup, recreated)
      // does not, and nothing reaches Gates or Links until it is fixed: say so, once.
      if (++staleReads === 3) {
        const onBus = (await bus.readConfig())?.version;
        log.error(
          { databaseVersion: state.version, busVersion: onBus },
          'the bus holds a newer config version than the database; changes are not published until the database version passes it',
        );
      }
      scheduleRetry();
      return;
    }
    staleReads = 0;
    lastEndpoints = endpointsKey(publication.gates);
    metrics.configVersion.set(publication.snapshot.version);
    if (!lease.isLeader()) return;
    const resend = force && Date.now() - lastResendAt >= resendMs;
    if (resend) lastResendAt = Date.now();
    pusher.update(pushTargets(state, publication.views), resend);
  };

  // Retried every second while the bus or the database is away: one warning per streak, with
  // the reason; the stack of the same failure every second helps nobody.
  let publishFailing = false;
  const runner = createCoalescer(
    async (force) => {
      await refresh(force);
      if (publishFailing) log.info('config publication works again');
      publishFailing = false;
    },
    (err) => {
      if (!publishFailing) {
        log.warn(
          { reason: (err as Error)?.message ?? String(err) },
          'config publication failed; retrying',
        );
      }
      publishFailing = true;
      scheduleRetry();
    },
  );

  function scheduleRetry() {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void runner.request();
    }, retryMs);
    retryTimer.unref();
  }

  const ingest = (event: LogEvent) => {
    store.insertLog(event).then(
      () => {
        ingestFailing = false;
      },
      (err: unknown) => {
        if (!ingestFailing) log.warn({ err }, 'log ingest failed');
        ingestFailing = true;
      },
    );
  };

  const lease = createLeaderLease({
    bus,
    hubId,
    ttlMs: leaseTtlMs,
    log,
    onChange(leader) {
      metrics.leader.set(leader ? 1 : 0);
      sampler.reset();
      if (leader) {
        unwatchLogs ??= bus.watchLogs(ingest);
        lastResendAt = Date.now();
        if (started) void runner.request(true);
      } else {
        unwatchLogs?.();
        unwatchLogs = undefined;
        pusher.clear();
      }
    },
  });

  const onGates = (gates: readonly GatePresence[]) => {
    // Heartbeats that change nothing a Link dials are no reason to re-send views.
    if (lease.isLeader() && endpointsKey(gates) !== lastEndpoints) void runner.request();
  };

  const pollGates = async () => {
    const live = await bus.listGates();
    metrics.gatesOnline.set(live.length);
    const presence = agentPresenceFrom(live);
    const known = new Set(lastState?.agents.map((a) => a.id));
    metrics.agentsOnline.set([...presence].filter(([id, p]) => p.online && known.has(id)).length);
    if (!lease.isLeader()) return;
    onGates(live);
    if (live.length > 0) {
      // A push-mode Link with no session while Gates are up may have restarted without its view.
      pusher.refill(
        (lastState?.agents ?? [])
          .filter((a) => a.mode === 'push' && a.enabled && !presence.get(a.id)?.online)
          .map((a) => a.id),
      );
      await store.upsertGates(live);
    }
  };

  const loopError = (what: string) => (err: unknown) => log.warn({ err }, `${what} failed`);

  return {
    metrics: metrics.registry,
    isLeader: () => lease.isLeader(),

    async start() {
      if (started) return;
      started = true;
      await lease.start();
      await runner.request(true);
      unwatch.push(
        bus.watchConfig((snapshot) => {
          if (lease.isLeader() && snapshot.version > lastVersion) void runner.request();
        }),
        bus.watchGates(onGates),
      );
      tickers.push(
        every(gatePollMs, pollGates, loopError('gate poll')),
        every(
          republishMs,
          async () => void (lease.isLeader() && runner.request(true)),
          loopError('re-publish'),
        ),
        every(
          statsSampleMs,
          async () => void (lease.isLeader() && (await sampler.sample())),
          loopError('stats sample'),
        ),
      );
      await pollGates().catch(loopError('gate poll'));
    },

    notifyChanged() {
      if (started && !stopped) void runner.request();
    },

    idle: () => runner.idle(),

    async stats() {
      const [state, liveGates, knownGates, traffic, samples] = await Promise.all([
        store.loadState(),
        bus.listGates(),
        store.listKnownGates(),
        bus.readTraffic(),
        store.recentStatsSamples(Date.now() - HOUR_MS),
      ]);
      return aggregateStats({ state, liveGates, knownGates, traffic, samples });
    },

    async gates() {
      const [known, live] = await Promise.all([store.listKnownGates(), bus.listGates()]);
      return gatesJson(known, live);
    },

    async agentPresence() {
      const live = await bus.listGates();
      return agentPresenceFrom(
        live,
        lastState?.agents.map((a) => a.id),
      );
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of tickers) t.stop();
      for (const u of unwatch) u();
      unwatchLogs?.();
      clearTimeout(retryTimer);
      await runner.stop();
      pusher.clear();
      await lease.stop();
      metrics.leader.set(0);
    },
  };
}
