import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // Every CLI a test starts runs the TypeScript sources under test, never a compiled dist/ (see sim/cli/bin.js).
    env: { CHECKIN_SIM_FROM_SOURCES: '1' },
  },
});
