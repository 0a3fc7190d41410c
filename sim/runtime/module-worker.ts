import { Worker } from 'node:worker_threads';
import { packageFile, RUNS_COMPILED } from './package-files.ts';

// Worker threads do not inherit the tsx loader the CLI registered: from the sources, a bootstrap registers it first.
const TSX_BOOTSTRAP = packageFile('sim/runtime/worker-bootstrap.js');

/** A worker thread running the module `entry`, compiled or from the sources, with `workerData`. */
export function moduleWorker(entry: URL, workerData: Record<string, unknown> = {}): Worker {
  if (RUNS_COMPILED) return new Worker(entry, { workerData });
  return new Worker(TSX_BOOTSTRAP, { workerData: { ...workerData, entry: entry.href } });
}
