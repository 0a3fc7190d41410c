import { loadScenario, type Scenario } from '../../../scenarios/index.ts';
import { runDrive, type DriveOptions } from '../../../sim/drive/run-drive.ts';
import { DAY_MS } from '../../../sim/virtual-time.ts';
import { DEFAULT_DRIVE_CONNECTIONS } from '../../../sim/drive/default-connections.ts';

/** A small fleet for drive tests: every mechanism of the baseline, no server errors of its own. */
export function smallScenario(overrides: Record<string, unknown> = {}): Scenario {
  return loadScenario({ file: 'scenarios/baseline.yaml', overrides: { participants: 2_000, days: 2, seed: 31, 'backend.errorRate': 0, ...overrides } });
}

/** Compression that plays the scenario's period in about `seconds` of wall time. */
export function compressionFor(scenario: Scenario, seconds: number): number {
  return (scenario.days * DAY_MS) / (seconds * 1000);
}

export function drive(scenario: Scenario, options: Partial<DriveOptions> & { compression: number }) {
  return runDrive(scenario, {
    connections: DEFAULT_DRIVE_CONNECTIONS,
    requestTimeoutMs: 10_000,
    lateAfterMs: 10,
    maxLagMs: 2_000,
    maxLagForMs: 5_000,
    ...options,
  });
}
