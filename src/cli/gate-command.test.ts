import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import mc from 'minecraft-protocol';
import { createRedisBus } from '../bus/redis-bus.js';
import { silentLogger } from '../shared/logger.js';
import {
  addGateOptions,
  defaultGateId,
  gateConfigFromOptions,
  parseListen,
  type GateCliOptions,
} from './gate-command.js';

function parse(args: string[]): GateCliOptions {
  const cmd = addGateOptions(
    new Command('gate').exitOverride().configureOutput({ writeErr: () => {} }),
  );
  cmd.parse(args, { from: 'user' });
  return cmd.opts<GateCliOptions>();
}

describe('gate options', () => {
  it('maps flags to a Gate config with defaults for the rest', () => {
    const config = gateConfigFromOptions(
      parse([
        '--id',
        'edge-1',
        '--region',
        'eu',
        '--listen',
        '127.0.0.1:25000',
        '--tunnel-listen',
        '[::1]:25001',
        '--advertise',
        'edge1.example.net:25001',
        '--plain-tunnels',
        '--metrics-listen',
        ':9100',
        '--proxy-protocol-trusted',
        '10.0.0.0/8, 2001:db8::/32',
        '--login-rate',
        '1',
        '--motd-offline',
        'Back soon',
        '--kick-no-route',
        'Wrong address',
      ]),
    );
    expect(config).toMatchObject({
      id: 'edge-1',
      name: 'edge-1',
      region: 'eu',
      listen: { host: '127.0.0.1', port: 25000 },
      tunnelListen: { host: '::1', port: 25001 },
      advertise: 'edge1.example.net:25001',
      tunnelTls: false,
      metricsListen: { host: '0.0.0.0', port: 9100 },
      proxyProtocolTrusted: ['10.0.0.0/8', '2001:db8::/32'],
      loginRate: { perSecond: 1, burst: 10 },
      statusRate: { perSecond: 10, burst: 20 },
      handshakeTimeoutMs: 5000,
      dataDir: './data',
    });
    expect(config.texts.motdOffline).toBe('Back soon');
    expect(config.texts.kickNoRoute).toBe('Wrong address');
    expect(config.texts.motdNoRoute).toMatch(/Unknown/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('defaults to the standard ports, TLS on and a host-name id', () => {
    const config = gateConfigFromOptions(parse([]));
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 25565 });
    expect(config.tunnelListen).toEqual({ host: '0.0.0.0', port: 25590 });
    expect(config.tunnelTls).toBe(true);
    expect(config.id).toBe(defaultGateId());
  });

  it('reads every option from its environment variable', () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      GATE_ID: 'env-gate',
      GATE_REGION: 'us',
      GATE_LISTEN: '127.0.0.2:1',
      GATE_STATUS_BURST: '5',
    });
    try {
      const config = gateConfigFromOptions(parse([]));
      expect(config).toMatchObject({
        id: 'env-gate',
        region: 'us',
        listen: { host: '127.0.0.2', port: 1 },
      });
      expect(config.statusRate).toEqual({ perSecond: 10, burst: 5 });
      expect(config.tunnelTls).toBe(true);
      process.env.GATE_PLAIN_TUNNELS = 'false';
      expect(gateConfigFromOptions(parse([])).tunnelTls).toBe(true);
      process.env.GATE_PLAIN_TUNNELS = 'yes';
      expect(gateConfigFromOptions(parse([])).tunnelTls).toBe(false);
    } finally {
      process.env = saved;
    }
  });

  it('rejects bad values with a coded error or a usage error', () => {
    expect(() => parse(['--listen', 'nonsense'])).toThrow();
    expect(() => parseListen('host:70000')).toThrow();
    expect(() => gateConfigFromOptions(parse(['--proxy-protocol-trusted', '10.0.0.0/99']))).toThrow(
      expect.objectContaining({ code: 'GATE_ERR_BAD_CONFIG' }),
    );
    expect(() => gateConfigFromOptions(parse(['--id', 'has space']))).toThrow(
      expect.objectContaining({ code: 'GATE_ERR_BAD_CONFIG' }),
    );
  });

  it('derives a valid id from any host name', () => {
    expect(defaultGateId('My Host_1.local')).toBe('gate-my-host_1.local');
    expect(defaultGateId('---')).toBe('gate-local');
  });
});

const REDIS_URL = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';
const BIN = fileURLToPath(new URL('../../bin/gatelink.js', import.meta.url));

describe('gatelink gate (process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gate-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to start without the Redis bus', async () => {
    const child = spawn(process.execPath, [BIN, 'gate'], {
      env: { ...process.env, REDIS_URL: '' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(stderr).toMatch(/--redis-url/);
  });

  it('announces itself on Redis, answers players, and withdraws on SIGTERM', async () => {
    const prefix = `test-gate-cli-${process.pid}-${Date.now()}:`;
    const bus = await createRedisBus({ url: REDIS_URL, prefix, log: silentLogger() });
    const child = spawn(
      process.execPath,
      [
        BIN,
        'gate',
        '--id',
        'cli-gate',
        '--listen',
        '127.0.0.1:0',
        '--tunnel-listen',
        '127.0.0.1:0',
        '--data-dir',
        dataDir,
      ],
      {
        env: { ...process.env, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      },
    );
    try {
      let gates = await bus.listGates();
      for (let i = 0; i < 100 && gates.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        gates = await bus.listGates();
      }
      const [presence] = gates;
      expect(presence).toMatchObject({ id: 'cli-gate', tls: true });
      expect(presence!.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const port = Number(presence!.publicAddr.split(':').pop());
      const res = await mc.ping({
        host: '127.0.0.1',
        port,
        version: '1.21.1',
        closeTimeout: 5000,
      } as mc.PingOptions);
      expect((res as mc.NewPingResult).description).toMatchObject({
        text: expect.stringMatching(/Unknown/),
      });
      child.kill('SIGTERM');
      expect(await new Promise((r) => child.once('exit', r))).toBe(0);
      expect(await bus.listGates()).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await bus.close();
    }
  });
});
