import { loadScenario } from '../../../scenarios/index.ts';
import { summarise } from '../../helpers/run.ts';
import type { Summary } from '../../../sim/metrics/summary.ts';
import type { LoadSummary } from '../../../sim/metrics/load-metrics.ts';

/** A real 30-day summary at a small size (the report's cost depends on days, not participants). */
export function thirtyDaySummary(): Promise<Summary> {
  return summarise(loadScenario({ file: 'scenarios/baseline.yaml', overrides: { participants: 2000, days: 30, seed: 5 } }));
}

/**
 * A drive-mode `load` section of the shape drive mode writes: two minutes at 400 req/s intended,
 * a backend stall from second 60 to 75 and the retry burst after it. Made by formula, not measured.
 */
export function loadFixture(): LoadSummary {
  const timeline = Array.from({ length: 120 }, (_, second) => {
    const stalled = second >= 60 && second < 75;
    const burst = second >= 75 && second < 85;
    return {
      second,
      intendedRps: 400 + (burst ? 300 : 0),
      sentRps: 400 + (burst ? 300 : 0),
      achievedRps: stalled ? 20 : burst ? 650 : 400,
      latencyP50Ms: stalled ? 900 : burst ? 120 : 12 + (second % 7),
      latencyP99Ms: stalled ? 5000 : burst ? 800 : 45 + (second % 11),
      errors: stalled ? 380 : 0,
    };
  });
  return {
    target: 'reference server (child process) http://127.0.0.1:0',
    compression: 1440,
    requests: 25_500,
    intendedRps: 425,
    achievedRps: 398.5,
    late: 17,
    driverLagMsP99: 3.2,
    latencyMs: { p50: 13, p90: 31, p99: 880, p999: 4900, max: 5210 },
    errors: { server_error: 5400, timeout: 300 },
    timeline,
  };
}
