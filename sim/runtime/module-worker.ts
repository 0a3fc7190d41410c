import { Worker } from 'node:worker_threads';
import { packageFile, RUNS_COMPILED } from '../../scenarios/common/package-files.ts';

// Worker threads do not inherit the tsx loader the CLI registered: from the sources, a bootstrap registers it first.
const TSX_BOOTSTRAP = packageFile('sim/runtime/worker-bootstrap.js');

/** A worker thread running the module `entry`, compiled or from the sources, with `workerData`. */
export function moduleWorker(entry: URL, workerData: Record<string, unknown> = {}): Worker {
  if (RUNS_COMPILED) return new Worker(entry, { workerData });
  return new Worker(TSX_BOOTSTRAP, { workerData: { ...workerData, entry: entry.href } });
}

/** Settles when `worker` ends: resolves on a clean exit, rejects with its error or with its exit code. */
export function workerFinished(worker: Worker, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    worker.on('error', (error) => {
      failed = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (failed) return;
      if (code === 0) resolve();
      else reject(new Error(`${name} worker exited with code ${code}`));
    });
  });
}
