/**
 * The Hub stopped for a minute under a running network of separate processes: the player
 * already in keeps playing and every new connection, to a redis-mode and to a push-mode Link,
 * is still routed (one every 500 ms, none may fail). The Hub then comes back on the same
 * database and takes changes again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type GatePart, type HubPart } from './cluster/cluster.js';
import type { PartProcess } from './cluster/part-process.js';
import { loginProbe, startEchoBackend, tryLoginProbe, type EchoBackend } from './cluster/probes.js';
import { startTwoModeLinks } from './cluster/two-mode-links.js';
import { sleep, waitFor } from './cluster/wait.js';
import { localRoute } from './support/hub-api.js';
import {
  chatReaches,
  connectPlayer,
  startMinecraftBackend,
  within,
  type MinecraftBackend,
} from './support/minecraft.js';

/** How long the Hub stays away; E2E_HUB_OUTAGE_MS shortens it when iterating locally. */
const OUTAGE_MS = Number(process.env['E2E_HUB_OUTAGE_MS'] ?? 60_000);

describe('the Hub stopped for a minute (processes, real Redis)', () => {
  const cluster = Cluster.forSuite('failure-hub');
  let hub: HubPart;
  let gate: GatePart;
  let links: PartProcess[] = [];
  let echo: EchoBackend;
  let game: MinecraftBackend;
  let redisAgentId = 0;

  beforeAll(async () => {
    [echo, game] = await Promise.all([
      startEchoBackend(),
      startMinecraftBackend('Hub outage server'),
    ]);
    hub = await cluster.startHub();
    gate = await cluster.startGate('gate-h1');
    const started = await startTwoModeLinks(cluster, hub, {
      redisName: 'hub-outage-redis',
      pushName: 'hub-outage-push',
      redisRoutes: { 'redis.example.com': echo.port, 'mc.example.com': game.port },
      pushRoutes: { 'push.example.com': echo.port },
      gates: [gate],
    });
    links = started.links;
    redisAgentId = started.redisAgent.ID;
    for (const domain of ['redis.example.com', 'push.example.com']) {
      await waitFor(async () => (await loginProbe(gate.playerPort, domain)).relayed, {
        timeoutMs: 10_000,
        what: domain,
      });
    }
  });

  afterAll(async () => {
    await Promise.all([echo?.close(), game?.close()]);
    await cluster.dispose();
  });

  it(
    'routes every new connection and keeps the player in while the Hub is away',
    async () => {
      const player = connectPlayer('mc.example.com', gate.playerPort, 'Patient');
      await within(player.chat, 10_000, 'the welcome message');

      expect((await hub.proc.kill('SIGTERM')).code).toBe(0);
      const stopped = Date.now();
      const failures: string[] = [];
      let attempts = 0;
      while (Date.now() - stopped < OUTAGE_MS) {
        const domain = attempts % 2 === 0 ? 'redis.example.com' : 'push.example.com';
        attempts++;
        const outcome = await tryLoginProbe(gate.playerPort, domain, 3000);
        if (!outcome.relayed)
          failures.push(`${domain} at ${Date.now() - stopped} ms: ${outcome.disconnect}`);
        await sleep(500);
      }
      const outage = Date.now() - stopped;

      // The player is still in: the server reaches it.
      await chatReaches(game, player, 'still here', 'a message to the player after the outage');
      expect(player.isEnded()).toBe(false);
      console.info(
        `[figures] hub stopped ${outage} ms: ${attempts} new logins, ${failures.length} failed; player stayed connected`,
      );
      expect(failures).toEqual([]);
      expect(attempts).toBeGreaterThanOrEqual(Math.floor(OUTAGE_MS / 1000));

      // Back on the same database: changes flow again.
      hub = await cluster.startHub();
      const restarted = Date.now();
      await hub.api.createRoute(localRoute('after.example.com', echo.port, redisAgentId));
      const routableIn = await waitFor(
        async () =>
          (await loginProbe(gate.playerPort, 'after.example.com', 2000)).relayed
            ? Date.now() - restarted
            : false,
        {
          timeoutMs: 10_000,
          what: 'a route created after the Hub came back',
        },
      );
      console.info(`[figures] hub back: a new route routable ${routableIn} ms after it listened`);
      player.end();
      for (const link of links) expect(link.exit).toBeNull();
    },
    OUTAGE_MS + 60_000,
  );
});
