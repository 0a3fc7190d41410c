import type { Worker } from 'node:worker_threads';
import { runSimulation } from '../engine/run-simulation.ts';
import { buildSummary, type Summary } from '../metrics/summary.ts';
import type { GridPoint } from './grid.ts';
import type { SweepWorkerMessage, SweepWorkerRequest } from './sweep-worker.ts';
import { moduleWorker, workerFinished } from '../runtime/module-worker.ts';
import { workerEntry } from '../../scenarios/common/package-files.ts';

export interface SweepRunOptions {
  /** Worker threads; each runs whole points, one at a time. 1 runs every point in this thread. */
  workers: number;
  /** Participants simulated so far over all points, the total, and points finished. */
  onProgress?: (done: number, total: number, pointsDone: number) => void;
}

export interface PointResult {
  summary: Summary;
  wallMs: number;
}

/**
 * Runs every point of a sweep and returns their results in point order. Points are spread over a
 * pool of worker threads, each point a whole run with workers: 1, so results do not depend on the
 * pool's size or on which worker ran which point (a run's results never depend on its shards).
 */
export async function runSweep(points: readonly GridPoint[], options: SweepRunOptions): Promise<PointResult[]> {
  const total = points.reduce((sum, point) => sum + point.scenario.participants, 0);
  const done = new Array<number>(points.length).fill(0);
  let pointsDone = 0;
  const progress = (index: number, participants: number) => {
    done[index] = participants;
    options.onProgress?.(
      done.reduce((sum, value) => sum + value, 0),
      total,
      pointsDone,
    );
  };
  const results = new Array<PointResult | undefined>(points.length);
  const finish = (index: number, result: PointResult) => {
    results[index] = result;
    pointsDone++;
    progress(index, points[index]!.scenario.participants);
  };

  const poolSize = Math.max(1, Math.min(options.workers, points.length));
  if (poolSize === 1) {
    for (const point of points) {
      const run = await runSimulation(point.scenario, { workers: 1, onProgress: (participants) => progress(point.index, participants) });
      finish(point.index, { summary: buildSummary(point.scenario, 'sim', run.metrics), wallMs: run.wallMs });
    }
  } else {
    let next = 0;
    const workers: Worker[] = [];
    try {
      await Promise.all(
        Array.from({ length: poolSize }, () =>
          runPoolWorker(
            workers,
            () => (next < points.length ? points[next++] : undefined),
            (message) => {
              if (message.kind === 'progress') progress(message.index, message.done);
              else finish(message.index, { summary: message.summary, wallMs: message.wallMs });
            },
          ),
        ),
      );
    } catch (error) {
      // One point failed: the sweep has failed, so stop the points still running.
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
  }
  return results.map((result, index) => {
    if (!result) throw new Error(`sweep point ${index} produced no result`);
    return result;
  });
}

const WORKER_ENTRY = workerEntry('sim/sweep/sweep-worker');

/** One pool worker: takes points until none is left, then stops. */
function runPoolWorker(pool: Worker[], take: () => GridPoint | undefined, onMessage: (message: SweepWorkerMessage) => void): Promise<void> {
  const worker = moduleWorker(WORKER_ENTRY);
  pool.push(worker);
  const finished = workerFinished(worker, 'sweep');
  const send = () => {
    const point = take();
    const request: SweepWorkerRequest = point ? { kind: 'run', index: point.index, scenario: point.scenario } : { kind: 'stop' };
    worker.postMessage(request);
  };
  worker.on('message', (message: SweepWorkerMessage) => {
    onMessage(message);
    if (message.kind === 'result') send();
  });
  send();
  return finished;
}
