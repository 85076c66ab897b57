/**
 * One Gate killed (SIGKILL) in a two-Gate network of separate processes over real Redis: the
 * player on the other Gate keeps playing and new players there keep getting through; when the
 * Gate comes back (same id, data directory and ports) its redis- and push-mode Links are back on it within 3 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type GatePart, type HubPart } from './cluster/cluster.js';
import type { PartProcess } from './cluster/part-process.js';
import { loginProbe, startEchoBackend, tryLoginProbe, type EchoBackend } from './cluster/probes.js';
import { startTwoModeLinks, TWO_MODE_LINK_IDS } from './cluster/two-mode-links.js';
import { sleep, waitFor } from './cluster/wait.js';
import {
  chatReaches,
  connectPlayer,
  startMinecraftBackend,
  within,
  type MinecraftBackend,
} from './support/minecraft.js';

/** Logins through `port` every `everyMs` until stopped; counts what was not relayed. */
function probeLoop(port: number, domain: string, everyMs: number) {
  let stop = false;
  const result = { attempts: 0, failures: [] as string[] };
  const done = (async () => {
    while (!stop) {
      result.attempts++;
      const outcome = await tryLoginProbe(port, domain, 3000);
      if (!outcome.relayed) result.failures.push(outcome.disconnect);
      await sleep(everyMs);
    }
  })();
  return { result, stop: async () => ((stop = true), await done, result) };
}

describe('a Gate killed with SIGKILL (processes, real Redis)', () => {
  const cluster = Cluster.forSuite('failure-gate');
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
    ({ links } = await startTwoModeLinks(cluster, hub, {
      redisName: 'gate-kill',
      pushName: 'gate-kill-push',
      redisRoutes: { 'echo.example.com': echo.port, 'mc.example.com': game.port },
      pushRoutes: { 'push.example.com': echo.port },
      gates: [gateA, gateB],
    }));
  });

  afterAll(async () => {
    await Promise.all([echo?.close(), game?.close()]);
    await cluster.dispose();
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
      for (const linkId of TWO_MODE_LINK_IDS) {
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
