import { parentPort } from 'node:worker_threads';
import { sumChunk, type StratumSums, type StudyChunk, type StudyInputs } from './score-study.ts';

/** A study a pool draws: its inputs and its sorted thresholds. */
export interface StudyPlan {
  inputs: StudyInputs;
  thresholds: number[];
}

/** A chunk of study `study`, whose sums go to place `task` of the pool's list. */
export interface StudyTask {
  task: number;
  study: number;
  chunk: StudyChunk;
}

/** The one message a study worker gets: every task of the pool, and the counter through which the pool's workers claim them in turn. */
export interface StudyWorkerRequest {
  plans: StudyPlan[];
  tasks: StudyTask[];
  next: Int32Array;
}

export interface StudyWorkerMessage {
  task: number;
  sums: StratumSums;
}

/** Worker-thread entry of the verification study: sums the tasks it claims until none is left, then exits. */
const port = parentPort!;
port.once('message', ({ plans, tasks, next }: StudyWorkerRequest) => {
  for (let claimed = Atomics.add(next, 0, 1); claimed < tasks.length; claimed = Atomics.add(next, 0, 1)) {
    const { task, study, chunk } = tasks[claimed]!;
    port.postMessage({ task, sums: sumChunk(plans[study]!.inputs, plans[study]!.thresholds, chunk) } satisfies StudyWorkerMessage);
  }
  port.close();
});
