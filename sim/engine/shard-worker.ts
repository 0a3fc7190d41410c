import { parentPort } from 'node:worker_threads';
import { simulateShard } from './simulate-shard.ts';
import type { ShardWork } from './shard-workers.ts';

/** Worker-thread entry: waits for its shard (ShardWorkers starts it before the scenario is known), simulates it and posts progress, then the result. */
parentPort!.once('message', ({ scenario, spec }: ShardWork) => {
  const result = simulateShard(scenario, spec, { onProgress: (done) => parentPort!.postMessage({ kind: 'progress', done }) });
  parentPort!.postMessage({ kind: 'result', result });
});
