/** Real Minecraft servers and clients (minecraft-protocol) for whole-system tests. */
import net, { type AddressInfo } from 'node:net';
import mc from 'minecraft-protocol';
import { waitFor } from './wait.js';

/** The game version both ends speak in these suites. */
export const MC_VERSION = '1.21.1';

/** A real offline-mode Minecraft server on loopback that greets every player who joins. */
export interface MinecraftBackend {
  readonly server: mc.Server;
  readonly port: number;
  /** keep_alive ids the players echoed back, by username. */
  readonly echoed: Map<string, bigint[]>;
  /** Players that reached the play state. */
  readonly joined: string[];
  close(): Promise<void>;
}

/** Id of the keep_alive every joining player is sent and must echo. */
export const KEEP_ALIVE_ID = 4242n;

/**
 * Start a server with `motd`. On join it sends a keep_alive (the client must echo it), and once
 * echoed a system chat message `welcome <username>`.
 */
export async function startMinecraftBackend(motd: string): Promise<MinecraftBackend> {
  const server = mc.createServer({
    'online-mode': false,
    host: '127.0.0.1',
    port: 0,
    version: MC_VERSION,
    motd,
    maxPlayers: 20,
  } as mc.ServerOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const socketServer = (server as unknown as { socketServer: net.Server }).socketServer;
  const echoed = new Map<string, bigint[]>();
  const joined: string[] = [];
  server.on('playerJoin', (client: mc.ServerClient) => {
    joined.push(client.username);
    client.on('keep_alive', (packet: { keepAliveId: unknown }) => {
      // i64 fields arrive as BigInt-like values: compare by value.
      const id = BigInt(String(packet.keepAliveId));
      const list = echoed.get(client.username) ?? [];
      list.push(id);
      echoed.set(client.username, list);
      if (id === KEEP_ALIVE_ID) {
        client.write('system_chat', {
          content: { type: 'string', value: `welcome ${client.username}` },
          isActionBar: false,
        });
      }
    });
    client.write('keep_alive', { keepAliveId: KEEP_ALIVE_ID });
  });
  server.on('error', () => {});
  return {
    server,
    port: (socketServer.address() as AddressInfo).port,
    echoed,
    joined,
    close: () =>
      new Promise<void>((resolve) => {
        socketServer.once('close', () => resolve());
        server.close();
        setTimeout(resolve, 1000).unref();
      }),
  };
}

/** A status ping through the Gate on `gatePort` for the virtual host `host`. */
export function mcPing(
  host: string,
  gatePort: number,
): Promise<mc.NewPingResult & { latency?: number }> {
  return mc.ping({
    host,
    port: gatePort,
    version: MC_VERSION,
    noPongTimeout: 4000,
    closeTimeout: 6000,
    connect: (client: mc.Client) => client.setSocket(net.connect(gatePort, '127.0.0.1')),
  } as mc.PingOptions) as Promise<mc.NewPingResult & { latency?: number }>;
}

/** The MOTD text a status ping through the Gate on `gatePort` shows for `host`. */
export async function motdOf(host: string, gatePort: number): Promise<string> {
  return textOf((await mcPing(host, gatePort)).description);
}

/** Ping until the Gate on `gatePort` shows `motd` for `host` (a route has arrived, or changed). */
export async function waitForMotd(
  host: string,
  gatePort: number,
  motd: string,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<true> {
  return waitFor(async () => (await motdOf(host, gatePort)) === motd, options);
}

/** The readable text of a status description or a disconnect reason (JSON text component). */
export function textOf(component: unknown): string {
  if (typeof component === 'string') {
    try {
      return textOf(JSON.parse(component));
    } catch {
      return component;
    }
  }
  if (component && typeof component === 'object') {
    const c = component as { text?: unknown; extra?: unknown[] };
    return `${typeof c.text === 'string' ? c.text : ''}${(c.extra ?? []).map(textOf).join('')}`;
  }
  return '';
}

/** A player connected through the Gate; its progress as promises. */
export interface Player {
  readonly client: mc.Client;
  /** Resolves when the player reaches the play state. */
  readonly joined: Promise<void>;
  /** Resolves with the first system chat message. */
  readonly chat: Promise<string>;
  /** Resolves when the connection ends, with the login disconnect text if one came. */
  readonly ended: Promise<{ disconnect: string | undefined; at: number }>;
  readonly isEnded: () => boolean;
  end(): void;
}

/** Log in as `username` through the Gate on `gatePort`, asking for the virtual host `host`. */
export function connectPlayer(host: string, gatePort: number, username = 'Steve'): Player {
  const client = mc.createClient({
    host: '127.0.0.1',
    port: gatePort,
    fakeHost: host,
    username,
    auth: 'offline',
    version: MC_VERSION,
    connect: (c: mc.Client) => c.setSocket(net.connect(gatePort, '127.0.0.1')),
  } as mc.ClientOptions);
  let disconnect: string | undefined;
  let ended = false;
  client.on('error', () => {});
  client.on('disconnect', (packet: { reason: string }) => {
    disconnect = textOf(packet.reason);
  });
  client.on('kick_disconnect', (packet: { reason: unknown }) => {
    disconnect = textOf(packet.reason);
  });
  const joined = new Promise<void>((resolve) => client.once('playerJoin', () => resolve()));
  const chat = new Promise<string>((resolve) =>
    client.once('system_chat', (packet: { content: unknown }) => {
      const c = packet.content as { value?: unknown } | string;
      resolve(typeof c === 'object' && c && typeof c.value === 'string' ? c.value : textOf(c));
    }),
  );
  const endedP = new Promise<{ disconnect: string | undefined; at: number }>((resolve) =>
    client.once('end', () => {
      ended = true;
      resolve({ disconnect, at: Date.now() });
    }),
  );
  return { client, joined, chat, ended: endedP, isEnded: () => ended, end: () => client.end() };
}

/** Race `promise` against a timeout that rejects with `what`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    }),
  ]);
}

/** The outcome of a login attempt that the Gate is expected to refuse: the disconnect text. */
export async function loginRefusal(
  host: string,
  gatePort: number,
  username = 'Alex',
): Promise<{ joined: boolean; disconnect: string | undefined }> {
  const player = connectPlayer(host, gatePort, username);
  let joined = false;
  void player.joined.then(() => {
    joined = true;
    player.end();
  });
  const { disconnect } = await within(player.ended, 8000, `login to ${host}`);
  return { joined, disconnect };
}

/** Tell every player on `backend` something, and wait until `player` reads it. */
export async function chatReaches(
  backend: MinecraftBackend,
  player: Player,
  text: string,
  what = `chat "${text}" to the player`,
): Promise<void> {
  const got = new Promise<void>((resolve) =>
    player.client.on('system_chat', (packet: { content: unknown }) => {
      if (JSON.stringify(packet.content).includes(text)) resolve();
    }),
  );
  for (const client of Object.values(backend.server.clients) as mc.ServerClient[]) {
    client.write('system_chat', { content: { type: 'string', value: text }, isActionBar: false });
  }
  await within(got, 5000, what);
}
