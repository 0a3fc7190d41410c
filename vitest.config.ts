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
  'test/sim/drive/{capacity-search,drive-bad-input,drive-equivalence,drive-open-model,drive-personal-records}.test.ts',
  'test/sim/cli/compiled-cli.test.ts',
  'test/sim/engine/run-determinism.test.ts',
  'test/sim/load-export/k6-replay-digest.test.ts',
  'test/server-stub/{slow-clients-and-floods,timeouts-and-slots,input-fuzz,serve-command,store-durability}.test.ts',
];

/**
 * Files whose assertions hold to wall-clock time: drive runs that must reach the server before a window
 * closes, sockets held to their timeouts, metrics scraped while a run goes on. They run after the rest
 * (beside a busy file of the parallel group they would measure their neighbour, not the code), two at
 * a time; open-model pacing, held to ±5 % of its schedule, runs last, alone.
 */
const REAL_TIME_TESTS = [
  'test/e2e/dashboards-*.test.ts',
  'test/sim/drive/{drive-equivalence,capacity-search,drive-personal-records}.test.ts',
  'test/sim/load-export/k6-replay-digest.test.ts',
  'test/server-stub/{slow-clients-and-floods,timeouts-and-slots}.test.ts',
];
const PACING_TESTS = ['test/sim/drive/drive-open-model.test.ts'];
const excluded = ['**/node_modules/**', ...(quick ? SLOW_TESTS : [])];

/** What every project shares; the global set-up stays at the root, so that it runs once per run. */
const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // Every CLI a test starts runs the TypeScript sources under test, never a compiled dist/ (see sim/cli/bin.js).
  env: { CHECKIN_SIM_FROM_SOURCES: '1' },
};

export default defineConfig({
  test: {
    globalSetup: ['test/setup/global-setup.ts'],
    reporters: ['default'],
    projects: [
      // One file per core: vitest's default (cores − 1) is a single worker on 2 cores.
      { test: { ...shared, name: 'parallel', include: ['test/**/*.test.ts'], exclude: [...excluded, ...REAL_TIME_TESTS, ...PACING_TESTS], maxWorkers: availableParallelism(), sequence: { groupOrder: 0 } } },
      { test: { ...shared, name: 'real-time', include: REAL_TIME_TESTS, exclude: excluded, maxWorkers: 2, sequence: { groupOrder: 1 } } },
      { test: { ...shared, name: 'pacing', include: PACING_TESTS, exclude: excluded, maxWorkers: 1, sequence: { groupOrder: 2 } } },
    ],
  },
});
