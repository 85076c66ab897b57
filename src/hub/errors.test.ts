import { describe, expect, it } from 'vitest';
import { HubErrors } from './errors.js';

describe('HubErrors', () => {
  it('keys every error by its own code', () => {
    for (const [key, make] of Object.entries(HubErrors)) {
      expect(make.code).toBe(key);
      expect(make('x').code).toBe(key);
    }
  });

  it('gives every HTTP-facing error a 4xx or 5xx status', () => {
    for (const [key, make] of Object.entries(HubErrors)) {
      if (key === 'HUB_ERR_CONFIG') continue;
      expect(make.status).toBeGreaterThanOrEqual(400);
      expect(make('x').status).toBe(make.status);
    }
  });
});
