import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // stopping a local stack waits for invocations in flight and long polls to end
    hookTimeout: 60_000,
    env: {
      // the functions' structured logs say nothing a test needs
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  },
});
