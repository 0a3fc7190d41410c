import type { Worker } from 'node:worker_threads';
import { assembleStudy, countChunk, sortedThresholds, studyChunks, type ScoreStudy, type StratumCounts, type StudyChunk, type StudyInputs } from './score-study.ts';
import type { StudyWorkerMessage, StudyWorkerRequest } from './study-worker.ts';
import { moduleWorker, workerFinished } from '../runtime/module-worker.ts';
import { siblingModule } from '../runtime/package-files.ts';

/** A study to draw: its inputs and the thresholds to count at. */
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
 * largest chunks first. A chunk's counts depend on its key alone and are summed exactly, so the
 * studies are the same for any number of threads and any order in which chunks finish.
 */
export async function runStudies(requests: readonly StudyRequest[], workers: number): Promise<ScoreStudy[]> {
  const plans = requests.map((request) => ({ inputs: request.inputs, thresholds: sortedThresholds(request.thresholds), chunks: studyChunks(request.inputs) }));
  const tasks: Task[] = plans.flatMap((plan, study) => plan.chunks.map((chunk) => ({ study, chunk })));
  const counts = new Array<StratumCounts | undefined>(tasks.length);
  const poolSize = Math.max(1, Math.min(workers, tasks.length));
  if (poolSize === 1) {
    tasks.forEach((task, index) => (counts[index] = countChunk(plans[task.study]!.inputs, plans[task.study]!.thresholds, task.chunk)));
  } else {
    const order = tasks.map((_, index) => index).sort((a, b) => tasks[b]!.chunk.windows - tasks[a]!.chunk.windows || a - b);
    let next = 0;
    const take = (): StudyWorkerRequest => {
      if (next >= order.length) return { kind: 'stop' };
      const index = order[next++]!;
      const { study, chunk } = tasks[index]!;
      return { kind: 'count', task: index, inputs: plans[study]!.inputs, thresholds: plans[study]!.thresholds, chunk };
    };
    const pool: Worker[] = [];
    try {
      await Promise.all(Array.from({ length: poolSize }, () => runStudyWorker(pool, take, (message) => (counts[message.task] = message.counts))));
    } catch (error) {
      await Promise.all(pool.map((worker) => worker.terminate()));
      throw error;
    }
  }
  let first = 0;
  return plans.map((plan) => {
    const own = counts.slice(first, (first += plan.chunks.length)).map((count, index) => {
      if (!count) throw new Error(`verification study chunk ${index} produced no counts`);
      return count;
    });
    return assembleStudy(plan.inputs, plan.thresholds, plan.chunks, own);
  });
}

const WORKER_ENTRY = siblingModule('./study-worker', import.meta.url);

/** One pool worker: counts chunks until none is left, then stops. */
function runStudyWorker(pool: Worker[], take: () => StudyWorkerRequest, onCounts: (message: StudyWorkerMessage) => void): Promise<void> {
  const worker = moduleWorker(WORKER_ENTRY);
  pool.push(worker);
  const finished = workerFinished(worker, 'verification study');
  worker.on('message', (message: StudyWorkerMessage) => {
    onCounts(message);
    worker.postMessage(take());
  });
  worker.postMessage(take());
  return finished;
}
