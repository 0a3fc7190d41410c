import { InProcessBackend } from '../backends/in-process.ts';
import type { MetricsData } from '../metrics/shard-metrics.ts';
import { EventRecorder } from './event-log.ts';
import { createFleet } from './fleet.ts';
import { widenInliningBudgetFor } from './inlining-budget.ts';
import type { Scenario } from '../../scenarios/schema.ts';

export interface ShardSpec {
  shardIndex: number;
  firstId: number;
  size: number;
  /** Folder for the shard's sorted event runs; no event log without it. */
  eventsDirectory?: string;
}

export interface ShardResult {
  metrics: MetricsData;
  eventRunFiles: string[];
}

const PROGRESS_EVERY = 5_000;

/**
 * Sim mode for one id range: draws the scenario's shocks (the same in every shard), builds the
 * range's population, then runs each participant's life to its end against the in-process backend.
 */
export interface ShardHooks {
  onProgress?: (done: number) => void;
  /** Sees the instant of every attempt that reaches the server (the capacity search measures the schedule's rate with it). */
  onAttempt?: (at: number) => void;
}

export function simulateShard(scenario: Scenario, spec: ShardSpec, hooks: ShardHooks = {}): ShardResult {
  widenInliningBudgetFor(spec.size * scenario.days);
  const { onProgress, onAttempt } = hooks;
  const events = spec.eventsDirectory === undefined ? undefined : new EventRecorder(spec.eventsDirectory, spec.shardIndex, Date.parse(`${scenario.startDate}T00:00:00Z`));
  const { population, shocks, metrics, caseloads, runLife } = createFleet(scenario, spec, { events });
  const server = new InProcessBackend(scenario.policy, shocks, scenario.backend.errorRate, scenario.seed);

  for (let row = 0; row < spec.size; row++) {
    runLife(row, server, onAttempt);
    if (caseloads.closesCaseload(population.idOf(row)) || row === spec.size - 1) {
      caseloads.settle();
      events?.maybeFlush();
    }
    if (onProgress && (row + 1) % PROGRESS_EVERY === 0) onProgress(row + 1);
  }
  events?.flush();
  onProgress?.(spec.size);
  return { metrics: metrics.data, eventRunFiles: events?.runFiles ?? [] };
}
