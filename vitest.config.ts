import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// `npm run test:quick` (CHECKIN_SIM_TEST_QUICK=1): everything but the end-to-end tests (Prometheus,
// Chromium, whole CLI and drive runs in child processes, real sockets held to their timeouts) and the
// statistical-scale ones, so no Debian package is needed.
const quick = process.env.CHECKIN_SIM_TEST_QUICK === '1';
const SLOW_TESTS = [
  'test/e2e/**',
  'test/browser/**',
  '**/validity-*.test.ts',
  // Statistical-scale: whole simulated fleets, held to model-derived intervals or run twice to compare bytes.
  'test/sim/engine/{cause-attribution,one-impostor-per-window,schedule-waking-hours}.test.ts',
  'test/scenarios/scenario-effects.test.ts',
  'test/sim/sweep/sweep-determinism.test.ts',
  'test/sim/drive/**',
  'test/sim/cli/{compiled-cli,cli-bad-input,help-and-version}.test.ts',
  'test/sim/compare/compare-cli.test.ts',
  'test/sim/engine/run-determinism.test.ts',
  'test/sim/load-export/{k6-replay-digest,k6-export-bad-input}.test.ts',
  'test/server-stub/{slow-clients-and-floods,timeouts-and-slots,input-fuzz,serve-command,store-durability}.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(quick ? SLOW_TESTS : [])],
    globalSetup: ['test/setup/global-setup.ts'],
    // One file per core. vitest's default, one fewer than the cores, is a single worker on 2 cores,
    // though many files spend most of their time waiting: drive runs in real time, servers, children.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // Every CLI a test starts runs the TypeScript sources under test, never a compiled dist/ (see sim/cli/bin.js).
    env: { CHECKIN_SIM_FROM_SOURCES: '1' },
  },
});
