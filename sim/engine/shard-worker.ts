import { parentPort, workerData } from 'node:worker_threads';
import { simulateShard, type ShardSpec } from './simulate-shard.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** Worker-thread entry: simulates one shard and posts progress, then the result. */
const { scenario, spec } = workerData as { scenario: Scenario; spec: ShardSpec };
const result = simulateShard(scenario, spec, { onProgress: (done) => parentPort!.postMessage({ kind: 'progress', done }) });
parentPort!.postMessage({ kind: 'result', result });
