/** Hub, Gate and Link started inside the test process, wired the way `gatelink all` + `link` wire them. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus } from '../../../src/bus/bus.js';
import { createMemoryBus } from '../../../src/bus/memory-bus.js';
import { resolveGateConfig, type GateConfigInput } from '../../../src/gate/gate-config.js';
import { createGate, type Gate, type GatePorts } from '../../../src/gate/gate.js';
import { resolveHubConfig } from '../../../src/hub/config.js';
import { createHub, type Hub } from '../../../src/hub/hub.js';
import {
  createHubRuntime,
  type HubRuntimeTimings,
  type PushOptions,
} from '../../../src/hub/runtime/index.js';
import { createLink, type Link } from '../../../src/link/link.js';
import { linkConfig, type LinkConfigInput } from '../../../src/link/link-config.js';
import { createPushListener, type PushListener } from '../../../src/link/push-listener.js';
import { HubApi, type AgentJson } from './hub-api.js';
import { testLogger } from './logs.js';
import { startMinecraftBackend, type MinecraftBackend } from './minecraft.js';
import { Cleanup, waitFor } from './wait.js';

/** Password of `hub_admin` in every Hub the suites start. */
export const ADMIN_PASSWORD = 'e2e-admin-password';

/** Nothing listens on the discard port: a push URL for an agent whose Link is not up yet. */
export const UNREACHABLE_PUSH_URL = 'http://127.0.0.1:9/';

/** A Hub listening on a loopback port, with a logged-in API client. */
export interface StartedHub {
  readonly hub: Hub;
  readonly url: string;
  readonly api: HubApi;
  close(): Promise<void>;
}

/** Start a Hub (SQLite in memory) on `bus`, listening on a free loopback port; logged in as hub_admin. */
export async function startHub(
  bus: Bus,
  {
    timings = { gatePollMs: 200, statsSampleMs: 1000 },
    push = { backoff: { initialMs: 100, maxMs: 1000 } },
  }: { timings?: HubRuntimeTimings; push?: PushOptions } = {},
): Promise<StartedHub> {
  const hub = await createHub({
    config: resolveHubConfig({
      port: 0,
      databaseUrl: 'sqlite::memory:',
      adminPassword: ADMIN_PASSWORD,
    }),
    log: testLogger('hub'),
    bus,
    runtimeFactory: (options) => createHubRuntime({ ...options, timings, pushOptions: push }),
  });
  try {
    const { port } = await hub.listen();
    const url = `http://127.0.0.1:${port}`;
    const api = await HubApi.login(url, 'hub_admin', ADMIN_PASSWORD);
    return { hub, url, api, close: () => hub.close() };
  } catch (err) {
    await hub.close();
    throw err;
  }
}

/** A started Gate and its bound ports. */
export interface StartedGate {
  readonly gate: Gate;
  readonly ports: GatePorts;
  close(): Promise<void>;
}

/** Start a Gate on loopback ports (TLS tunnels unless `tunnelTls: false`). */
export async function startGate(
  bus: Bus,
  dataDir: string,
  overrides: Partial<GateConfigInput> = {},
): Promise<StartedGate> {
  const config = resolveGateConfig({
    id: 'gate-e2e',
    listen: { host: '127.0.0.1', port: 0 },
    tunnelListen: { host: '127.0.0.1', port: 0 },
    dataDir,
    // Presence lapses after three missed heartbeats, and a lapsed Gate is taken out of every
    // Link's view: keep the TTL well above the stalls of a loaded test machine.
    presenceIntervalMs: 1000,
    trafficFlushMs: 200,
    // Every test connection comes from 127.0.0.1: the per-address limits are not under test here.
    statusRate: { perSecond: 1000, burst: 1000 },
    loginRate: { perSecond: 1000, burst: 1000 },
    ...overrides,
  });
  const gate = createGate({ config, log: testLogger(`gate:${config.id}`), bus });
  const ports = await gate.start();
  return { gate, ports, close: () => gate.close() };
}

/** A push-mode Link: its push listener on a free loopback port and the Link following it. */
export interface StartedLink {
  readonly link: Link;
  readonly listener: PushListener;
  /** Where the Hub must push this Link's view. */
  readonly pushUrl: string;
  close(): Promise<void>;
}

/** Start a push-mode Link with `token`, its push listener on loopback `port` (0: a free one). */
export async function startPushLink(
  token: string,
  overrides: Partial<LinkConfigInput> = {},
  port = 0,
): Promise<StartedLink> {
  const log = testLogger('link');
  const config = linkConfig({
    token,
    linkId: 'link-e2e',
    backoffInitialMs: 50,
    backoffMaxMs: 1000,
    ...overrides,
  });
  const listener = createPushListener({ token, host: '127.0.0.1', port, log });
  const link = createLink({ config, log, views: listener });
  await link.start();
  const address = listener.address();
  if (!address) {
    await link.close();
    throw new Error('push listener has no address');
  }
  return {
    link,
    listener,
    pushUrl: `http://127.0.0.1:${address.port}/push`,
    close: () => link.close(),
  };
}

/** An agent created through the API and the Link running with its token. */
export interface AgentWithLink {
  readonly agent: AgentJson;
  readonly link: StartedLink;
}

/** Hub and Gate in one process on one memory bus (as `gatelink all`), plus Links started on demand. */
export interface System {
  readonly bus: Bus;
  readonly hub: StartedHub;
  readonly api: HubApi;
  readonly gate: StartedGate;
  /** Player port of the Gate. */
  readonly playerPort: number;
  readonly dataDir: string;
  readonly cleanup: Cleanup;
  /**
   * Create a push-mode agent through the API, start its Link, point the agent's push URL at the
   * Link, and wait until the Hub reports the agent online (a tunnel session on the Gate).
   */
  addAgentWithLink(name: string, linkOverrides?: Partial<LinkConfigInput>): Promise<AgentWithLink>;
  /** Wait until `GET /api/agents/:id` says `online` equals `online`. */
  waitAgentOnline(agentId: number, online?: boolean, timeoutMs?: number): Promise<AgentJson>;
  /** Start a Minecraft server on loopback showing `motd`; closed with the system. */
  startBackend(motd: string): Promise<MinecraftBackend>;
  close(): Promise<void>;
}

/** Start Hub + Gate sharing a memory bus. */
export async function startSystem({
  tunnelTls = true,
  gate: gateOverrides = {},
}: { tunnelTls?: boolean; gate?: Partial<GateConfigInput> } = {}): Promise<System> {
  const cleanup = new Cleanup();
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'gatelink-e2e-'));
    cleanup.add('data dir', () => rm(dataDir, { recursive: true, force: true }));
    const bus = createMemoryBus();
    cleanup.add('bus', () => bus.close());
    const hub = await startHub(bus);
    cleanup.add('hub', () => hub.close());
    const gate = await startGate(bus, dataDir, { tunnelTls, ...gateOverrides });
    cleanup.add('gate', () => gate.close());
    const api = hub.api;

    const waitAgentOnline = (agentId: number, online = true, timeoutMs = 8000) =>
      waitFor(
        async () => {
          const agent = await api.getAgent(agentId);
          return agent.online === online ? agent : undefined;
        },
        { timeoutMs, what: `agent ${agentId} online=${online}` },
      );

    return {
      bus,
      hub,
      api,
      gate,
      playerPort: gate.ports.playerPort,
      dataDir,
      cleanup,
      waitAgentOnline,
      async addAgentWithLink(name, linkOverrides = {}) {
        const created = await api.createAgent({
          name,
          mode: 'push',
          push_url: UNREACHABLE_PUSH_URL,
        });
        const link = await startPushLink(created.token, linkOverrides);
        cleanup.add(`link ${name}`, () => link.close());
        await api.updateAgent(created.ID, { push_url: link.pushUrl });
        const agent = await waitAgentOnline(created.ID);
        return { agent, link };
      },
      async startBackend(motd) {
        const backend = await startMinecraftBackend(motd);
        cleanup.add(`backend "${motd}"`, () => backend.close());
        return backend;
      },
      close: () => cleanup.run(),
    };
  } catch (err) {
    await cleanup.run().catch(() => undefined);
    throw err;
  }
}
