import { parentPort } from 'node:worker_threads';
import { runSimulation } from '../engine/run-simulation.ts';
import { buildSummary } from '../metrics/summary.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/**
 * Worker-thread entry of a sweep: runs the points it is sent, one at a time, each as a whole sim-mode
 * run in this thread (workers: 1), and posts progress and each point's summary back.
 */
export type SweepWorkerRequest = { kind: 'run'; index: number; scenario: Scenario } | { kind: 'stop' };
export type SweepWorkerMessage =
  | { kind: 'progress'; index: number; done: number }
  | { kind: 'result'; index: number; summary: ReturnType<typeof buildSummary>; wallMs: number };

const port = parentPort!;
port.on('message', (request: SweepWorkerRequest) => {
  if (request.kind === 'stop') {
    port.close();
    return;
  }
  void runSimulation(request.scenario, { workers: 1, onProgress: (done) => port.postMessage({ kind: 'progress', index: request.index, done } satisfies SweepWorkerMessage) }).then(
    (result) => {
      const summary = buildSummary(request.scenario, 'sim', result.metrics);
      port.postMessage({ kind: 'result', index: request.index, summary, wallMs: result.wallMs } satisfies SweepWorkerMessage);
    },
  );
});
