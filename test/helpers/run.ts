import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulation } from '../../sim/engine/run-simulation.ts';
import { buildSummary, type Summary } from '../../sim/metrics/summary.ts';
import type { Scenario } from '../../scenarios/index.ts';

export interface LoggedEvent {
  t: number;
  p: number;
  seq: number;
  type: string;
  window?: number;
  attempt?: number;
  outcome?: string;
  verdict?: string;
  cause?: string;
  intent?: string;
  kind?: string;
}

/** Runs a scenario in sim mode in this thread and returns its summary. */
export async function summarise(scenario: Scenario): Promise<Summary> {
  const result = await runSimulation(scenario, { workers: 1 });
  return buildSummary(scenario, 'sim', result.metrics);
}

/** Runs a scenario with the event log on and returns the parsed events, in log order. */
export async function eventsOf(scenario: Scenario): Promise<LoggedEvent[]> {
  const directory = mkdtempSync(join(tmpdir(), 'checkin-sim-events-'));
  try {
    const file = join(directory, 'events.ndjson');
    await runSimulation(scenario, { workers: 1, eventsFile: file });
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LoggedEvent);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
