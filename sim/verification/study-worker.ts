import { parentPort } from 'node:worker_threads';
import { countChunk, type StratumCounts, type StudyChunk, type StudyInputs } from './score-study.ts';

/** Worker-thread entry of the verification study: counts the chunks it is sent, one at a time. */
export type StudyWorkerRequest = { kind: 'count'; task: number; inputs: StudyInputs; thresholds: number[]; chunk: StudyChunk } | { kind: 'stop' };
export interface StudyWorkerMessage {
  task: number;
  counts: StratumCounts;
}

const port = parentPort!;
port.on('message', (request: StudyWorkerRequest) => {
  if (request.kind === 'stop') {
    port.close();
    return;
  }
  const counts = countChunk(request.inputs, request.thresholds, request.chunk);
  port.postMessage({ task: request.task, counts } satisfies StudyWorkerMessage);
});
