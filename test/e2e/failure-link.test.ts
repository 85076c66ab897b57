/**
 * A Link that goes away, as separate processes over real Redis: a clean stop (SIGTERM) or a
 * crash (SIGKILL) shows the offline answer at once; a Link that vanishes without a word (SIGSTOP: its sockets stay
 * open, nothing answers) is given up within one heartbeat window (15 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type GatePart, type HubPart } from './cluster/cluster.js';
import { loginProbe, startEchoBackend, statusProbe, type EchoBackend } from './cluster/probes.js';
import { sleep, waitFor } from './cluster/wait.js';
import { localRoute } from './support/hub-api.js';

const OFFLINE_MOTD = /Server is offline/;
const OFFLINE_KICK = /offline right now/;
/** The tunnel heartbeat interval both ends use (Gate default). */
const HEARTBEAT_MS = 5000;

/** Poll a prompt status answer until it is the offline MOTD; ms from `since` to that answer. */
async function msUntilPromptOffline(
  port: number,
  domain: string,
  since: number,
  limitMs: number,
): Promise<number> {
  for (;;) {
    const asked = Date.now();
    // A Link that is only paused may still hold the session: such a probe waits for the open
    // timeout. Only an answer given at once shows the Gate has given the Link up.
    const motd = await statusProbe(port, domain, 1000).catch(() => '');
    if (OFFLINE_MOTD.test(motd) && Date.now() - asked < 1000) return asked - since;
    if (Date.now() - since > limitMs)
      throw new Error(`still no prompt offline MOTD after ${limitMs} ms (last: "${motd}")`);
    await sleep(200);
  }
}

describe('a Link that goes away (processes, real Redis)', () => {
  const cluster = Cluster.forSuite('failure-link');
  let hub: HubPart;
  let gate: GatePart;
  let backend: EchoBackend;
  let token = '';

  beforeAll(async () => {
    backend = await startEchoBackend();
    hub = await cluster.startHub();
    gate = await cluster.startGate('gate-l1');
    const agent = await hub.api.createAgent({ name: 'link-kill', mode: 'redis' });
    token = agent.token;
    for (const domain of ['clean.example.com', 'killed.example.com', 'silent.example.com']) {
      await hub.api.createRoute(localRoute(domain, backend.port, agent.ID));
    }
  });

  afterAll(async () => {
    await backend?.close();
    await cluster.dispose();
  });

  it('answers with the offline MOTD and kick at once after a Link stops cleanly (SIGTERM)', async () => {
    const link = cluster.startRedisLink(token, 'link-clean');
    await gate.proc.waitForLog('link connected', {
      fields: { linkId: 'link-clean' },
      timeoutMs: 20_000,
    });
    // A login, not a status ping: the status of this route must not be cached before the stop.
    await waitFor(async () => (await loginProbe(gate.playerPort, 'clean.example.com')).relayed, {
      timeoutMs: 10_000,
      what: 'a login relayed through the Link',
    });

    const exit = await link.kill('SIGTERM');
    expect(exit.code).toBe(0);
    const stopped = Date.now();
    const motd = await statusProbe(gate.playerPort, 'clean.example.com', 2000);
    const answeredIn = Date.now() - stopped;
    expect(motd).toMatch(OFFLINE_MOTD);
    expect(answeredIn).toBeLessThan(1000);
    const login = await loginProbe(gate.playerPort, 'clean.example.com', 2000);
    expect(login).toEqual({ relayed: false, disconnect: expect.stringMatching(OFFLINE_KICK) });
    const ended = gate.proc.find('link disconnected', { linkId: 'link-clean' });
    expect(new Set(ended.map((l) => l['sessionId'])).size).toBe(1);
    expect(ended[0]?.['reason']).toBe('closed');
    console.info(
      `[figures] link SIGTERM -> offline MOTD answered ${answeredIn} ms after the Link exited`,
    );
  });

  it('answers with the offline MOTD at once after a Link is killed (SIGKILL: the kernel closes its sockets)', async () => {
    const link = cluster.startRedisLink(token, 'link-killed');
    await gate.proc.waitForLog('link connected', {
      fields: { linkId: 'link-killed' },
      timeoutMs: 20_000,
    });
    await waitFor(async () => (await loginProbe(gate.playerPort, 'killed.example.com')).relayed, {
      timeoutMs: 10_000,
      what: 'a login relayed through the Link',
    });

    expect((await link.kill('SIGKILL')).signal).toBe('SIGKILL');
    const killed = Date.now();
    const offlineAfter = await msUntilPromptOffline(
      gate.playerPort,
      'killed.example.com',
      killed,
      5000,
    );
    console.info(
      `[figures] link SIGKILL -> offline MOTD answered ${offlineAfter} ms after the Link died`,
    );
    expect(offlineAfter).toBeLessThan(1000);
  });

  it('gives a silent Link up within one heartbeat window, 15 s (SIGSTOP)', async () => {
    const link = cluster.startRedisLink(token, 'link-silent');
    const connected = await gate.proc.waitForLog('link connected', {
      fields: { linkId: 'link-silent' },
      timeoutMs: 20_000,
    });
    await waitFor(async () => (await loginProbe(gate.playerPort, 'silent.example.com')).relayed, {
      timeoutMs: 10_000,
      what: 'a login relayed through the Link',
    });

    // The Gate pings every 5 s from the moment the session starts and checks for silence on the
    // same tick. Hold the Link still across one tick so its answer comes 300 ms late, then let
    // it vanish: its last frame is then just after a tick, the worst case the bound must cover,
    // the same in every run (a Link that vanishes at a random moment lands anywhere in it).
    const start = connected.time!;
    const tick = start + HEARTBEAT_MS * Math.ceil((Date.now() + 800 - start) / HEARTBEAT_MS);
    await sleep(Math.max(0, tick - 300 - Date.now()));
    link.signal('SIGSTOP');
    await sleep(Math.max(0, tick + 300 - Date.now()));
    link.signal('SIGCONT');
    await sleep(200);
    const paused = Date.now();
    link.signal('SIGSTOP');
    try {
      const offlineAfter = await msUntilPromptOffline(
        gate.playerPort,
        'silent.example.com',
        paused,
        25_000,
      );
      // The Gate answers before its log line has come through the pipe.
      const ended = await gate.proc
        .waitForLog('link disconnected', { fields: { linkId: 'link-silent' }, timeoutMs: 3000 })
        .catch(() => undefined);
      const endedAfter = typeof ended?.time === 'number' ? ended.time - paused : Number.NaN;
      console.info(
        `[figures] link SIGSTOP -> session dropped by the Gate after ${endedAfter} ms (reason ${String(ended?.['reason'])}), ` +
          `prompt offline MOTD after ${offlineAfter} ms (${String(ended?.['detail'])})`,
      );
      expect(offlineAfter).toBeLessThanOrEqual(15_000);
      expect(ended?.['reason']).toBe('heartbeat');
      const login = await loginProbe(gate.playerPort, 'silent.example.com', 2000);
      expect(login).toEqual({ relayed: false, disconnect: expect.stringMatching(OFFLINE_KICK) });
    } finally {
      await link.kill('SIGKILL');
    }
  }, 50_000);
});
