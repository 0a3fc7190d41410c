import type { Worker } from 'node:worker_threads';
import { assembleStudy, chunkCost, sumChunk, sortedThresholds, studyChunks, type ScoreStudy, type StratumSums, type StudyInputs } from './score-study.ts';
import type { StudyPlan, StudyTask, StudyWorkerMessage, StudyWorkerRequest } from './study-worker.ts';
import { moduleWorker, workerFinished } from '../runtime/module-worker.ts';
import { workerEntry } from '../../scenarios/common/package-files.ts';

/** A study to draw: its inputs and the thresholds to sum at. */
export interface StudyRequest {
  inputs: StudyInputs;
  thresholds: readonly number[];
}

const WORKER_ENTRY = workerEntry('sim/verification/study-worker', '.cjs');

/** Where studies are drawn: in `workers` threads; with one, in the calling thread unless `offThread`. */
export interface StudyThreads {
  workers: number;
  /** With one worker, draw in a thread of its own all the same, leaving the calling thread free for other work. */
  offThread?: boolean;
}

/**
 * Draws studies with their chunks spread over worker threads, the costliest chunks first. A chunk's
 * sums depend on its key alone and are added in chunk order, so the studies are the same bits for any
 * number of threads and any order in which chunks finish.
 */
export async function runStudies(requests: readonly StudyRequest[], { workers, offThread = false }: StudyThreads): Promise<ScoreStudy[]> {
  const plans = requests.map((request) => ({ inputs: request.inputs, thresholds: sortedThresholds(request.thresholds), chunks: studyChunks(request.inputs) }));
  const tasks: StudyTask[] = plans.flatMap((plan, study) => plan.chunks.map((chunk) => ({ study, chunk }))).map((task, index) => ({ ...task, task: index }));
  const sums = new Array<StratumSums | undefined>(tasks.length);
  if ((workers === 1 && !offThread) || tasks.length === 0) {
    for (const task of tasks) sums[task.task] = sumChunk(plans[task.study]!.inputs, plans[task.study]!.thresholds, task.chunk);
  } else {
    const pool = Array.from({ length: Math.min(workers, tasks.length) }, () => moduleWorker(WORKER_ENTRY));
    const costliestFirst = [...tasks].sort((a, b) => chunkCost(b.chunk) - chunkCost(a.chunk) || a.task - b.task);
    await drawInWorkers(pool, { plans: plans.map(({ inputs, thresholds }): StudyPlan => ({ inputs, thresholds })), tasks: costliestFirst, next: new Int32Array(new SharedArrayBuffer(4)) }, (message) => (sums[message.task] = message.sums));
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

/**
 * Hands every worker the whole list of tasks and one shared counter: each claims the next task
 * itself, so none waits for the calling thread (which may be busy drawing charts) to hand it one.
 */
async function drawInWorkers(workers: Worker[], request: StudyWorkerRequest, onSums: (message: StudyWorkerMessage) => void): Promise<void> {
  try {
    await Promise.all(
      workers.map((worker) => {
        const finished = workerFinished(worker, 'verification study');
        worker.on('message', onSums);
        worker.postMessage(request);
        return finished;
      }),
    );
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
}
