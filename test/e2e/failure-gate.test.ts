/**
 * One Gate killed (SIGKILL) in a two-Gate network of separate processes over real Redis: the
 * player on the other Gate keeps playing and new players there keep getting through; when the
 * Gate comes back (same id, data directory and ports) its redis- and push-mode Links are back on it within 3 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mc from 'minecraft-protocol';
import {
  Cluster,
  SHARED_REDIS_URL,
  uniquePrefix,
  type GatePart,
  type HubPart,
} from './cluster/cluster.js';
import type { PartProcess } from './cluster/part-process.js';
import { loginProbe, startEchoBackend, type EchoBackend } from './cluster/probes.js';
import { dropPrefix } from './cluster/redis-prefix.js';
import { freePort, sleep, waitFor } from './cluster/wait.js';
import {
  connectPlayer,
  startMinecraftBackend,
  within,
  type MinecraftBackend,
  type Player,
} from './support/minecraft.js';

/** Logins through `port` every `everyMs` until stopped; counts what was not relayed. */
function probeLoop(port: number, domain: string, everyMs: number) {
  let stop = false;
  const result = { attempts: 0, failures: [] as string[] };
  const done = (async () => {
    while (!stop) {
      result.attempts++;
      const outcome = await loginProbe(port, domain, 3000).catch((err: Error) => ({
        relayed: false,
        disconnect: err.message,
      }));
      if (!outcome.relayed) result.failures.push(outcome.disconnect);
      await sleep(everyMs);
    }
  })();
  return { result, stop: async () => ((stop = true), await done, result) };
}

/** Tell every player on `backend` something, and wait until `player` reads it. */
async function chatReaches(backend: MinecraftBackend, player: Player, text: string): Promise<void> {
  const got = new Promise<void>((resolve) =>
    player.client.on('system_chat', (packet: { content: unknown }) => {
      if (JSON.stringify(packet.content).includes(text)) resolve();
    }),
  );
  for (const client of Object.values(backend.server.clients) as mc.ServerClient[]) {
    client.write('system_chat', { content: { type: 'string', value: text }, isActionBar: false });
  }
  await within(got, 5000, `chat "${text}" to the player`);
}

const LINK_IDS = ['link-redis', 'link-push'];

describe('a Gate killed with SIGKILL (processes, real Redis)', () => {
  const prefix = uniquePrefix('failure-gate');
  const cluster = new Cluster(SHARED_REDIS_URL, prefix);
  let hub: HubPart;
  let gateA: GatePart;
  let gateB: GatePart;
  let links: PartProcess[] = [];
  let echo: EchoBackend;
  let game: MinecraftBackend;

  beforeAll(async () => {
    [echo, game] = await Promise.all([
      startEchoBackend(),
      startMinecraftBackend('Failure suite server'),
    ]);
    hub = await cluster.startHub();
    [gateA, gateB] = await Promise.all([cluster.startGate('gate-a'), cluster.startGate('gate-b')]);
    const agent = await hub.api.createAgent({ name: 'gate-kill', mode: 'redis' });
    await hub.api.createRoute({
      domain: 'echo.example.com',
      target_ip: '127.0.0.1',
      target_port: echo.port,
      agent_id: agent.ID,
    });
    await hub.api.createRoute({
      domain: 'mc.example.com',
      target_ip: '127.0.0.1',
      target_port: game.port,
      agent_id: agent.ID,
    });
    const pushPort = await freePort();
    const pushAgent = await hub.api.createAgent({
      name: 'gate-kill-push',
      mode: 'push',
      push_url: `http://127.0.0.1:${pushPort}`,
    });
    await hub.api.createRoute({
      domain: 'push.example.com',
      target_ip: '127.0.0.1',
      target_port: echo.port,
      agent_id: pushAgent.ID,
    });
    links = [
      cluster.startRedisLink(agent.token, 'link-redis'),
      cluster.startPushLink(pushAgent.token, 'link-push', pushPort),
    ];
    for (const gate of [gateA, gateB]) {
      for (const linkId of LINK_IDS)
        await gate.proc.waitForLog('link connected', { fields: { linkId }, timeoutMs: 30_000 });
    }
  });

  afterAll(async () => {
    await Promise.all([echo?.close(), game?.close()]);
    await cluster.close();
    await dropPrefix(SHARED_REDIS_URL, prefix);
  });

  it('keeps players on the other Gate playing, and the Links are back within 3 s of each return', async () => {
    const player = connectPlayer('mc.example.com', gateB.playerPort, 'Stayer');
    await within(player.chat, 10_000, 'the welcome message on Gate B');
    await waitFor(async () => (await loginProbe(gateB.playerPort, 'echo.example.com')).relayed, {
      what: 'Gate B relaying',
    });
    const loop = probeLoop(gateB.playerPort, 'echo.example.com', 200);

    const reconnects: number[] = [];
    // Restarted at once (a supervisor's restart); after 3.5 s, while its presence still stands
    // and the Link keeps retrying on its own backoff; after 8 s, when its presence has lapsed
    // and the Link has taken it out of its view.
    for (const downMs of [0, 3500, 8000]) {
      expect((await gateA.proc.kill('SIGKILL')).signal).toBe('SIGKILL');
      await chatReaches(game, player, `still here after gate-a died (${downMs})`);
      await sleep(downMs);
      gateA = await cluster.restartGate(gateA);
      const listening = gateA.proc.find('gate listening')[0]!.time!;
      for (const linkId of LINK_IDS) {
        const connected = await gateA.proc.waitForLog('link connected', {
          fields: { linkId },
          timeoutMs: 20_000,
        });
        reconnects.push(connected.time! - listening);
      }
      for (const domain of ['echo.example.com', 'push.example.com']) {
        await waitFor(async () => (await loginProbe(gateA.playerPort, domain)).relayed, {
          timeoutMs: 5000,
          what: `the restarted Gate relaying ${domain}`,
        });
      }
    }

    const { attempts, failures } = await loop.stop();
    await chatReaches(game, player, 'the end');
    console.info(
      `[figures] gate SIGKILL: Links (redis, push) back on the restarted Gate ${reconnects.map((ms) => `${ms} ms`).join(' / ')} after it listened ` +
        `(restart at once, after 3.5 s, after 8 s); ${attempts} logins on the other Gate meanwhile, ${failures.length} failed`,
    );
    expect(player.isEnded()).toBe(false);
    expect(failures).toEqual([]);
    expect(attempts).toBeGreaterThan(20);
    for (const ms of reconnects) expect(ms).toBeLessThanOrEqual(3000);
    player.end();
    for (const link of links) expect(link.exit).toBeNull();
  }, 80_000);
});
