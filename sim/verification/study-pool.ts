import type { Worker } from 'node:worker_threads';
import { assembleStudy, chunkCost, sumChunk, sortedThresholds, studyChunks, type ScoreStudy, type StratumSums, type StudyChunk, type StudyInputs } from './score-study.ts';
import type { StudyWorkerMessage, StudyWorkerRequest } from './study-worker.ts';
import { moduleWorker, workerFinished } from '../runtime/module-worker.ts';
import { workerEntry } from '../../scenarios/common/package-files.ts';

/** A study to draw: its inputs and the thresholds to sum at. */
export interface StudyRequest {
  inputs: StudyInputs;
  thresholds: readonly number[];
}

interface Task {
  study: number;
  chunk: StudyChunk;
}

/**
 * Draws studies with their chunks spread over `workers` threads (1: in the calling thread), the
 * costliest chunks first. A chunk's sums depend on its key alone and are added in chunk order, so the
 * studies are the same bits for any number of threads and any order in which chunks finish.
 */
export async function runStudies(requests: readonly StudyRequest[], workers: number): Promise<ScoreStudy[]> {
  const plans = requests.map((request) => ({ inputs: request.inputs, thresholds: sortedThresholds(request.thresholds), chunks: studyChunks(request.inputs) }));
  const tasks: Task[] = plans.flatMap((plan, study) => plan.chunks.map((chunk) => ({ study, chunk })));
  const sums = new Array<StratumSums | undefined>(tasks.length);
  const poolSize = Math.max(1, Math.min(workers, tasks.length));
  if (poolSize === 1) {
    tasks.forEach((task, index) => (sums[index] = sumChunk(plans[task.study]!.inputs, plans[task.study]!.thresholds, task.chunk)));
  } else {
    const order = tasks.map((_, index) => index).sort((a, b) => chunkCost(tasks[b]!.chunk) - chunkCost(tasks[a]!.chunk) || a - b);
    let next = 0;
    const take = (): StudyWorkerRequest => {
      if (next >= order.length) return { kind: 'stop' };
      const index = order[next++]!;
      const { study, chunk } = tasks[index]!;
      return { kind: 'sum', task: index, inputs: plans[study]!.inputs, thresholds: plans[study]!.thresholds, chunk };
    };
    const pool: Worker[] = [];
    try {
      await Promise.all(Array.from({ length: poolSize }, () => runStudyWorker(pool, take, (message) => (sums[message.task] = message.sums))));
    } catch (error) {
      await Promise.all(pool.map((worker) => worker.terminate()));
      throw error;
    }
  }
  let first = 0;
  return plans.map((plan) => {
    const own = sums.slice(first, (first += plan.chunks.length)).map((chunkSums, index) => {
      if (!chunkSums) throw new Error(`verification study chunk ${index} produced no sums`);
      return chunkSums;
    });
    return assembleStudy(plan.inputs, plan.thresholds, plan.chunks, own);
  });
}

const WORKER_ENTRY = workerEntry('sim/verification/study-worker');

/** One pool worker: sums chunks until none is left, then stops. */
function runStudyWorker(pool: Worker[], take: () => StudyWorkerRequest, onSums: (message: StudyWorkerMessage) => void): Promise<void> {
  const worker = moduleWorker(WORKER_ENTRY);
  pool.push(worker);
  const finished = workerFinished(worker, 'verification study');
  worker.on('message', (message: StudyWorkerMessage) => {
    onSums(message);
    worker.postMessage(take());
  });
  worker.postMessage(take());
  return finished;
}
