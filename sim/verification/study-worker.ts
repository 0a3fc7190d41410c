import { parentPort } from 'node:worker_threads';
import { sumChunk, type StratumSums, type StudyChunk, type StudyInputs } from './score-study.ts';

/** Worker-thread entry of the verification study: sums the chunks it is sent, one at a time. */
export type StudyWorkerRequest = { kind: 'sum'; task: number; inputs: StudyInputs; thresholds: number[]; chunk: StudyChunk } | { kind: 'stop' };
export interface StudyWorkerMessage {
  task: number;
  sums: StratumSums;
}

const port = parentPort!;
port.on('message', (request: StudyWorkerRequest) => {
  if (request.kind === 'stop') {
    port.close();
    return;
  }
  const sums = sumChunk(request.inputs, request.thresholds, request.chunk);
  port.postMessage({ task: request.task, sums } satisfies StudyWorkerMessage);
});
