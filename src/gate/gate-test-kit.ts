/** Shared pieces of the Gate's socket tests: a real backend, a fake tunnel, a running Gate. */
import net, { type AddressInfo } from 'node:net';
import mc from 'minecraft-protocol';
import { GatelinkError } from '../shared/errors.js';
import { silentLogger } from '../shared/logger.js';
import type { Bus } from '../bus/bus.js';
import { createMemoryBus } from '../bus/memory-bus.js';
import type { ConfigSnapshot, RouteConfig } from '../bus/types.js';
import type { ClientAddress, OpenedChannel, TunnelServer } from './upstream.js';
import { resolveGateConfig, type GateConfigInput } from './gate-config.js';
import { createGate, type Gate, type GatePorts } from './gate.js';

/** A real Minecraft server (offline mode) on a loopback port. */
export async function startBackend(
  motd = 'Backend MOTD',
): Promise<{ server: mc.Server; port: number }> {
  const server = mc.createServer({
    'online-mode': false,
    host: '127.0.0.1',
    port: 0,
    version: '1.21.1',
    motd,
    maxPlayers: 20,
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  // The typings omit the listening socket the server keeps.
  const socketServer = (server as unknown as { socketServer: net.Server }).socketServer;
  return { server, port: (socketServer.address() as AddressInfo).port };
}

/**
 * A tunnel server stand-in: `open` dials the backend directly and replays the player's bytes,
 * as a Link would. `online` holds agents with a session; `refuse` routes whose target is down.
 */
export class FakeTunnel implements TunnelServer {
  readonly fingerprint = 'AA:BB:CC';
  readonly tls = true;
  readonly online = new Set<number>([1]);
  readonly refuse = new Set<number>();
  /** Agents whose session dies between `hasSession` and `open` (the race a real Gate sees). */
  readonly vanishing = new Set<number>();
  readonly opened: ClientAddress[] = [];
  readonly configs: ConfigSnapshot[] = [];

  constructor(readonly backendPort: () => number) {}

  async listen() {
    return { host: '127.0.0.1', port: 0 };
  }
  hasSession(agentId: number) {
    return this.online.has(agentId);
  }
  sessions() {
    return [...this.online].map((agentId) => ({ agentId, links: 1 }));
  }
  applyConfig(snapshot: ConfigSnapshot) {
    this.configs.push(snapshot);
  }
  onEvent() {}
  async close() {}

  open(route: RouteConfig, client: ClientAddress, initial: Buffer): Promise<OpenedChannel> {
    this.opened.push(client);
    if (!this.online.has(route.agentId) || this.vanishing.has(route.agentId)) {
      return Promise.reject(new GatelinkError('GATE_ERR_LINK_OFFLINE', 'no session'));
    }
    if (this.refuse.has(route.id)) {
      return Promise.reject(new GatelinkError('GATE_ERR_TARGET_REFUSED', 'refused'));
    }
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.backendPort(), '127.0.0.1', () => {
        socket.off('error', reject);
        socket.write(initial);
        resolve({ socket, head: Buffer.alloc(0) });
      });
      socket.once('error', reject);
    });
  }
}

/** Routes used by the socket tests: 1 works, 2 has its target down, 3 belongs to an offline agent. */
export const ROUTES: RouteConfig[] = [
  {
    id: 1,
    domain: 'play.example.com',
    targetIp: '10.0.0.5',
    targetPort: 25565,
    agentId: 1,
    proxyProtocol: false,
  },
  {
    id: 2,
    domain: 'down.example.com',
    targetIp: '10.0.0.6',
    targetPort: 25565,
    agentId: 1,
    proxyProtocol: false,
  },
  {
    id: 3,
    domain: '*.offline.example.com',
    targetIp: '10.0.0.7',
    targetPort: 25565,
    agentId: 2,
    proxyProtocol: false,
  },
];

/** A Gate on loopback ports with a fake tunnel, serving ROUTES. */
export async function startGate(
  backendPort: () => number,
  overrides: Partial<GateConfigInput> = {},
): Promise<{ gate: Gate; ports: GatePorts; tunnel: FakeTunnel; bus: Bus }> {
  const bus = createMemoryBus();
  await bus.publishConfig({
    version: 1,
    routes: ROUTES,
    agents: [
      { id: 1, name: 'one', mode: 'push', enabled: true, tokenHash: 'a'.repeat(64) },
      { id: 2, name: 'two', mode: 'push', enabled: true, tokenHash: 'b'.repeat(64) },
    ],
  });
  const tunnel = new FakeTunnel(backendPort);
  tunnel.refuse.add(2);
  const config = resolveGateConfig({
    id: 'gate-test',
    listen: { host: '127.0.0.1', port: 0 },
    tunnelListen: { host: '127.0.0.1', port: 0 },
    tunnelTls: false,
    ...overrides,
  });
  const gate = createGate({
    config,
    log: silentLogger(),
    bus,
    createTunnelServer: async () => tunnel,
  });
  const ports = await gate.start();
  return { gate, ports, tunnel, bus };
}

/** A server-list ping for `host` through the Gate on `port` (dials loopback). */
export function ping(host: string, port: number, extra: Partial<mc.PingOptions> = {}) {
  return mc.ping({
    host,
    port,
    version: '1.21.1',
    noPongTimeout: 3000,
    closeTimeout: 5000,
    connect: (client: mc.Client) => client.setSocket(net.connect(port, '127.0.0.1')),
    ...extra,
  } as mc.PingOptions) as Promise<mc.NewPingResult & { latency?: number }>;
}

/** Outcome of a login attempt: the backend let us in, or a disconnect reason (text), or a close. */
export function login(
  host: string,
  port: number,
  { username = 'Steve', socket }: { username?: string; socket?: () => net.Socket } = {},
): Promise<{ joined: boolean; reason?: string; ended: boolean }> {
  return new Promise((resolve) => {
    const client = mc.createClient({
      host: '127.0.0.1',
      port,
      fakeHost: host,
      username,
      auth: 'offline',
      version: '1.21.1',
      ...(socket ? { connect: (c: mc.Client) => c.setSocket(socket()) } : {}),
    } as mc.ClientOptions);
    let reason: string | undefined;
    let joined = false;
    const done = setTimeout(() => {
      client.end();
      resolve({ joined, ended: false, ...(reason === undefined ? {} : { reason }) });
    }, 8000);
    client.on('disconnect', (packet: { reason: string }) => {
      reason = (JSON.parse(packet.reason) as { text: string }).text;
    });
    client.on('kick_disconnect', () => {
      joined = true;
    });
    client.on('error', () => {});
    client.on('end', () => {
      clearTimeout(done);
      resolve({ joined, ended: true, ...(reason === undefined ? {} : { reason }) });
    });
  });
}

/** Connect a raw socket and collect everything it receives until the Gate closes it. */
export function rawExchange(
  port: number,
  send: Buffer[] = [],
  { timeoutMs = 8000 }: { timeoutMs?: number } = {},
): Promise<{ data: Buffer; closedAfterMs: number; timedOut: boolean }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      for (const b of send) socket.write(b);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closedAfterMs: Date.now() - started, timedOut: true });
    }, timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({
        data: Buffer.concat(chunks),
        closedAfterMs: Date.now() - started,
        timedOut: false,
      });
    });
  });
}
