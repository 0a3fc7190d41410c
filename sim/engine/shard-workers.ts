import type { Worker } from 'node:worker_threads';
import { moduleWorker } from '../runtime/module-worker.ts';
import { workerEntry } from '../../scenarios/common/package-files.ts';
import type { ShardResult, ShardSpec } from './simulate-shard.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { optimizeSynchronouslyInNewThreads, synchronousOptimizationFor } from './synchronous-optimization.ts';

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
 * its own, on a core that would otherwise wait. Not knowing the shards' size yet, they start to
 * optimize as small shards are best run (synchronous-optimization.ts); a shard too large for that is
 * given a worker started afresh.
 */
export class ShardWorkers {
  private idle: Worker[];
  private synchronous = true;

  constructor(count: number) {
    this.idle = this.start(count);
  }

  /** Simulates one shard in an idle worker, which exits once it has posted the result. */
  run(work: ShardWork, onProgress: (done: number) => void): Promise<ShardResult> {
    const synchronous = synchronousOptimizationFor(work.spec.size * work.scenario.days);
    if (synchronous !== this.synchronous) {
      const count = this.idle.length;
      this.close();
      this.synchronous = synchronous;
      this.idle = this.start(count);
    }
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

  private start(count: number): Worker[] {
    optimizeSynchronouslyInNewThreads(this.synchronous);
    return Array.from({ length: count }, () => moduleWorker(WORKER_ENTRY));
  }

  /** Stops the workers no shard was given (a fleet of fewer shards than workers, or a run that failed before its fleet). */
  close(): void {
    for (const worker of this.idle.splice(0)) void worker.terminate();
  }
}
