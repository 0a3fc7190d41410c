import type { Worker } from 'node:worker_threads';
import { moduleWorker } from '../runtime/module-worker.ts';
import { workerEntry } from '../../scenarios/common/package-files.ts';
import type { ShardResult, ShardSpec } from './simulate-shard.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** What a shard worker posts: its progress, then its result. */
type ShardWorkerMessage = { kind: 'progress'; done: number } | { kind: 'result'; result: ShardResult };

/** The one message a shard worker waits for. */
export interface ShardWork {
  scenario: Scenario;
  spec: ShardSpec;
}

// Compiled, the engine in one CommonJS file (scripts/bundle.js): a worker whose entry is CommonJS starts
// without the ESM loader, ~8 ms sooner than one whose entry is an ES module.
const WORKER_ENTRY = workerEntry('sim/engine/shard-worker', '.cjs');

/**
 * Worker threads started before their shards are known: each boots and loads the engine, then waits
 * for its shard. `run` started early (before the scenario is read) spends the threads' start-up beside
 * its own, on a core that would otherwise wait.
 */
export class ShardWorkers {
  private readonly idle: Worker[];

  constructor(count: number) {
    this.idle = Array.from({ length: count }, () => moduleWorker(WORKER_ENTRY));
  }

  /** Simulates one shard in an idle worker, which exits once it has posted the result. */
  run(work: ShardWork, onProgress: (done: number) => void): Promise<ShardResult> {
    const worker = this.idle.pop();
    if (worker === undefined) throw new Error('no idle shard worker left');
    return new Promise((resolve, reject) => {
      let result: ShardResult | undefined;
      worker.on('message', (message: ShardWorkerMessage) => {
        if (message.kind === 'progress') onProgress(message.done);
        else result = message.result;
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (result) resolve(result);
        else reject(new Error(`shard ${work.spec.shardIndex} worker exited with code ${code} before reporting`));
      });
      worker.postMessage(work);
    });
  }

  /** Stops the workers no shard was given (a fleet of fewer shards than workers, or a run that failed before its fleet). */
  close(): void {
    for (const worker of this.idle.splice(0)) void worker.terminate();
  }
}
