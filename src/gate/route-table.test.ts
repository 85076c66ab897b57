import { describe, expect, it } from 'vitest';
import type { ConfigSnapshot, RouteConfig } from '../bus/types.js';
import { RouteTable } from './route-table.js';

let nextId = 1;
const route = (domain: string, agentId = 1): RouteConfig => ({
  id: nextId++,
  domain,
  targetIp: '10.0.0.5',
  targetPort: 25565,
  agentId,
  proxyProtocol: false,
});

function table(routes: RouteConfig[]): RouteTable {
  const snapshot: ConfigSnapshot = {
    version: 7,
    routes,
    agents: [
      { id: 1, name: 'a', mode: 'push', enabled: true, tokenHash: 'x' },
      { id: 2, name: 'b', mode: 'redis', enabled: false, tokenHash: 'y' },
    ],
  };
  return new RouteTable(snapshot);
}

describe('RouteTable', () => {
  const play = route('play.example.com');
  const wild = route('*.example.com');
  const deeper = route('*.eu.example.com');
  const disabled = route('off.example.net', 2);
  const orphan = route('orphan.example.net', 99);
  const t = table([play, wild, deeper, disabled, orphan]);

  it('prefers an exact match over a wildcard', () => {
    expect(t.lookup('play.example.com')?.route).toBe(play);
  });

  it('matches one label under a wildcard', () => {
    expect(t.lookup('lobby.example.com')?.route).toBe(wild);
  });

  it('matches deeper names, the most specific wildcard winning', () => {
    expect(t.lookup('a.b.example.com')?.route).toBe(wild);
    expect(t.lookup('mc.eu.example.com')?.route).toBe(deeper);
    expect(t.lookup('x.mc.eu.example.com')?.route).toBe(deeper);
  });

  it('does not match the wildcard parent itself or other domains', () => {
    expect(t.lookup('example.com')).toBeUndefined();
    expect(t.lookup('example.org')).toBeUndefined();
    expect(t.lookup('')).toBeUndefined();
    expect(t.lookup('badexample.com')).toBeUndefined();
  });

  it('marks routes whose agent is disabled or missing', () => {
    expect(t.lookup('play.example.com')?.agentEnabled).toBe(true);
    expect(t.lookup('off.example.net')?.agentEnabled).toBe(false);
    expect(t.lookup('orphan.example.net')?.agentEnabled).toBe(false);
  });

  it('normalises stored domains and carries the version', () => {
    const r = route('Play.Example.ORG.');
    const t2 = table([r]);
    expect(t2.lookup('play.example.org')?.route).toBe(r);
    expect(t2.version).toBe(7);
    expect(t2.size).toBe(1);
    expect(RouteTable.empty().lookup('play.example.org')).toBeUndefined();
  });
});
