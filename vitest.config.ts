import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: end-to-end files start real processes, so keep the fan-out small.
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default'],
  },
});
