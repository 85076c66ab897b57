/**
 * A Gate that is back before its presence lapsed (a quick restart) changes nothing in the
 * Links' views, so the Links must find it on their own. Reproduced exactly: a forwarder in front
 * of the Gate's tunnel port drops every tunnel and turns the Link's redials away, then lets them
 * through again right after the Link's fifth attempt, while the Gate process and its presence
 * stay up. The Link must be back within 3 s, as after a real restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type GatePart, type HubPart } from './cluster/cluster.js';
import type { PartProcess } from './cluster/part-process.js';
import { loginProbe, startEchoBackend, type EchoBackend } from './cluster/probes.js';
import { startTcpGap, type TcpGap } from './cluster/tcp-gap.js';
import { freePort, waitFor } from './cluster/wait.js';
import { localRoute } from './support/hub-api.js';

describe('a Gate back while its presence still stands (processes, real Redis)', () => {
  const cluster = Cluster.forSuite('failure-gate-return');
  let hub: HubPart;
  let gate: GatePart;
  let gap: TcpGap;
  let link: PartProcess;
  let echo: EchoBackend;

  beforeAll(async () => {
    echo = await startEchoBackend();
    hub = await cluster.startHub();
    // The Gate's tunnel port is fixed so the forwarder can be started before the Gate advertises it.
    const tunnelPort = await freePort();
    gap = await startTcpGap(tunnelPort);
    gate = await cluster.startGate('gate-q1', {
      tunnelPort,
      args: ['--advertise', `127.0.0.1:${gap.port}`],
    });
    const agent = await hub.api.createAgent({ name: 'gate-return', mode: 'redis' });
    await hub.api.createRoute(localRoute('back.example.com', echo.port, agent.ID));
    link = cluster.startRedisLink(agent.token, 'link-q1');
    await gate.proc.waitForLog('link connected', {
      fields: { linkId: 'link-q1' },
      timeoutMs: 20_000,
    });
    await waitFor(async () => (await loginProbe(gate.playerPort, 'back.example.com')).relayed, {
      timeoutMs: 10_000,
    });
  });

  afterAll(async () => {
    await Promise.all([echo?.close(), gap?.close()]);
    await cluster.dispose();
  });

  it('has the Link back within 3 s of the Gate being reachable again', async () => {
    const from = link.lines.length;
    const cut = Date.now();
    gap.cut();
    // The fifth redial comes 3.9–7.8 s after the cut: a Gate restarted in that time is still
    // listed (its presence lives 6 s), so nothing tells the Link it is back.
    await waitFor(() => gap.refused.length >= 5, {
      timeoutMs: 15_000,
      intervalMs: 5,
      what: "the Link's fifth redial",
    });
    gap.restore();
    const back = Date.now();
    // The Link's own line: the Gate logs a Link's connections at most once a minute.
    const connected = await link.waitForLog('gate session ready', {
      fields: { gateId: 'gate-q1' },
      from,
      timeoutMs: 20_000,
    });
    const after = connected.time! - back;
    console.info(
      `[figures] gate unreachable for ${back - cut} ms (redials turned away at ${gap.refused.map((t) => t - cut).join(', ')} ms): ` +
        `Link back ${after} ms after the Gate was reachable again`,
    );
    expect(link.exit).toBeNull();
    expect(after).toBeLessThanOrEqual(3000);
  }, 40_000);
});
