import { dirname } from 'node:path';
import { mergeEventRuns } from './event-log.ts';
import { shardRanges } from './shard-ranges.ts';
import { simulateShard, type ShardResult, type ShardSpec } from './simulate-shard.ts';
import { emptyMetrics, mergeMetrics, type MetricsData } from '../metrics/shard-metrics.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { moduleWorker } from '../runtime/module-worker.ts';
import { siblingModule } from '../runtime/package-files.ts';

export interface RunOptions {
  /** Worker threads; 1 runs in the calling thread. */
  workers: number;
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

  const results =
    specs.length === 1
      ? [simulateShard(scenario, specs[0]!, { onProgress: (count) => report(0, count) })]
      : await Promise.all(specs.map((spec) => runShardInWorker(scenario, spec, (count) => report(spec.shardIndex, count))));

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

const WORKER_ENTRY = siblingModule('./shard-worker', import.meta.url);

function runShardInWorker(scenario: Scenario, spec: ShardSpec, onProgress: (done: number) => void): Promise<ShardResult> {
  return new Promise((resolve, reject) => {
    const worker = moduleWorker(WORKER_ENTRY, { scenario, spec });
    let result: ShardResult | undefined;
    worker.on('message', (message: { kind: 'progress'; done: number } | { kind: 'result'; result: ShardResult }) => {
      if (message.kind === 'progress') onProgress(message.done);
      else result = message.result;
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`shard ${spec.shardIndex} worker exited with code ${code} before reporting`));
    });
  });
}
