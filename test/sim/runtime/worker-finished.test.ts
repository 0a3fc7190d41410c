import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { workerFinished } from '../../../sim/runtime/module-worker.ts';

const evalWorker = (code: string) => new Worker(code, { eval: true });

describe('workerFinished', () => {
  it('resolves when the worker ends cleanly', async () => {
    await expect(workerFinished(evalWorker('0'), 'test')).resolves.toBeUndefined();
  });

  it('rejects with the exit code, naming the worker, when it exits with another code', async () => {
    await expect(workerFinished(evalWorker('process.exit(3)'), 'shard 2')).rejects.toThrow('shard 2 worker exited with code 3');
  });

  it('rejects with the error the worker threw, not with its exit code', async () => {
    await expect(workerFinished(evalWorker("throw new Error('chunk failed')"), 'test')).rejects.toThrow('chunk failed');
  });
});
