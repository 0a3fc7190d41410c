import { dirname } from 'node:path';
import { mergeEventRuns } from './event-log.ts';
import { shardRanges } from './shard-ranges.ts';
import type { ShardResult, ShardSpec } from './simulate-shard.ts';
import { emptyMetrics, mergeMetrics, type MetricsData } from '../metrics/shard-metrics.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { ShardWorkers } from './shard-workers.ts';

export interface RunOptions {
  /** Worker threads; 1 runs in the calling thread. */
  workers: number;
  /** Those threads, when the caller started them before the scenario was known (closed here either way). */
  shardWorkers?: ShardWorkers;
  /** Where to write the ordered event log; none without it. */
  eventsFile?: string;
  onProgress?: (participantsDone: number, participantsTotal: number) => void;
}

export interface RunResult {
  metrics: MetricsData;
  workers: number;
  wallMs: number;
  peakRssMb: number;
  eventsWritten: number;
}

/**
 * Sim mode for a whole scenario: shards the fleet by id range across worker threads, merges their
 * metrics (order-independent) and their sorted event runs (k-way merge). Results do not depend on
 * the number of workers.
 */
export async function runSimulation(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const ranges = shardRanges(scenario.participants, options.workers, scenario.officers.caseload);
  const eventsDirectory = options.eventsFile === undefined ? undefined : dirname(options.eventsFile);
  const specs: ShardSpec[] = ranges.map((range, shardIndex) => ({ shardIndex, ...range, eventsDirectory }));
  const done = new Array<number>(specs.length).fill(0);
  const report = (shard: number, count: number) => {
    done[shard] = count;
    options.onProgress?.(done.reduce((sum, value) => sum + value, 0), scenario.participants);
  };

  const shardWorkers = options.shardWorkers ?? (specs.length === 1 ? undefined : new ShardWorkers(specs.length));
  let results: ShardResult[];
  try {
    // The engine's modules are loaded here only to run the shard in this thread: workers load their own,
    // and this thread's ~12 ms of CPU loading them came before it could hand the workers their shards.
    results =
      specs.length === 1
        ? [(await import('./simulate-shard.ts')).simulateShard(scenario, specs[0]!, { onProgress: (count) => report(0, count) })]
        : await Promise.all(specs.map((spec) => shardWorkers!.run({ scenario, spec }, (count) => report(spec.shardIndex, count))));
  } finally {
    shardWorkers?.close();
  }

  const metrics = results.reduce((merged, result) => mergeMetrics(merged, result.metrics), emptyMetrics(scenario.days));
  const eventsWritten =
    options.eventsFile === undefined ? 0 : await mergeEventRuns(results.flatMap((result) => result.eventRunFiles), options.eventsFile);
  return {
    metrics,
    workers: specs.length,
    wallMs: performance.now() - started,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    eventsWritten,
  };
}
