import { defineConfig } from 'vitest/config';

// `npm run test:quick` (CHECKIN_SIM_TEST_QUICK=1): everything but the end-to-end, browser and
// statistical-scale tests, and no Debian packages needed.
const quick = process.env.CHECKIN_SIM_TEST_QUICK === '1';
const SLOW_TESTS = ['test/e2e/**', 'test/browser/**', '**/validity-*.test.ts'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(quick ? SLOW_TESTS : [])],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // Every CLI a test starts runs the TypeScript sources under test, never a compiled dist/ (see sim/cli/bin.js).
    env: { CHECKIN_SIM_FROM_SOURCES: '1' },
  },
});
