import { describe, expect, it } from 'vitest';
import { offlineFromCached } from './offline-reply.js';

describe('offlineFromCached', () => {
  const cached = JSON.stringify({
    version: { name: 'Paper 1.21.1', protocol: 767 },
    players: { max: 100, online: 42, sample: [{ name: 'Steve', id: '0' }] },
    description: { text: 'Welcome to Example' },
    favicon: 'data:image/png;base64,AAAA',
  });

  it("keeps the server's version, icon and slots but says it is offline with nobody on", () => {
    const status = offlineFromCached(cached, 767, 'Server is offline', 'Gatelink');
    expect(status.version).toEqual({ name: 'Paper 1.21.1', protocol: 767 });
    expect(status.players).toEqual({ max: 100, online: 0 });
    expect(status.description).toEqual({ text: 'Server is offline' });
    expect((status as unknown as { favicon: string }).favicon).toBe('data:image/png;base64,AAAA');
  });

  it('falls back to the plain offline status for a cached document that is not an object', () => {
    for (const bad of ['not json', '[1,2]', 'null', '"text"']) {
      const status = offlineFromCached(bad, 760, 'Server is offline', 'Gatelink');
      expect(status).toEqual({
        version: { name: 'Gatelink', protocol: 760 },
        players: { max: 0, online: 0 },
        description: { text: 'Server is offline' },
      });
    }
  });
});
