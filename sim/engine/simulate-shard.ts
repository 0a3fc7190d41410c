import { buildPopulation } from '../population/population.ts';
import { drawShocks } from '../behaviour/shocks.ts';
import { InProcessBackend } from '../backends/in-process.ts';
import { ShardMetrics, type MetricsData } from '../metrics/shard-metrics.ts';
import { EventRecorder } from './event-log.ts';
import { Caseloads } from './caseloads.ts';
import { participantLife } from './participant-life.ts';
import type { CheckInAttempt, SyncBackend } from '../backends/backend.ts';
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
  /** Sees every attempt that reaches the server (the capacity search measures the schedule's rate with it). */
  onAttempt?: (attempt: CheckInAttempt) => void;
}

export function simulateShard(scenario: Scenario, spec: ShardSpec, hooks: ShardHooks = {}): ShardResult {
  const { onProgress, onAttempt } = hooks;
  const shocks = drawShocks(scenario);
  const population = buildPopulation(scenario, spec.firstId, spec.size);
  const backend: SyncBackend = new InProcessBackend(scenario.policy, shocks, scenario.backend.errorRate, scenario.seed);
  const metrics = new ShardMetrics(scenario.days);
  const events = spec.eventsDirectory === undefined ? null : new EventRecorder(spec.eventsDirectory, spec.shardIndex, Date.parse(`${scenario.startDate}T00:00:00Z`));
  const caseloads = new Caseloads(scenario, metrics, events);
  const context = { scenario, population, shocks, metrics, events, caseloads };

  for (let row = 0; row < spec.size; row++) {
    const life = participantLife(context, row);
    for (let step = life.next(); !step.done; step = life.next(backend.submit(step.value))) onAttempt?.(step.value);
    if (caseloads.closesCaseload(spec.firstId + row) || row === spec.size - 1) {
      caseloads.settle();
      events?.maybeFlush();
    }
    if (onProgress && (row + 1) % PROGRESS_EVERY === 0) onProgress(row + 1);
  }
  events?.flush();
  onProgress?.(spec.size);
  return { metrics: metrics.data, eventRunFiles: events?.runFiles ?? [] };
}
