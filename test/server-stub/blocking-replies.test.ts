import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { BlockingReplies } from '../../server-stub/store/blocking-replies.ts';

/** A thread that answers each number it is sent with its double, raising the flag `lead` ms before the reply can be read (0: after). */
function doubler(replies: BlockingReplies, lead: number): Worker {
  const code = `
    const { parentPort, workerData: { flag, replyPort, lead } } = require('node:worker_threads');
    const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    parentPort.on('message', (n) => {
      if (lead > 0) { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); pause(lead); }
      replyPort.postMessage(n * 2);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });`;
  return new Worker(code, { eval: true, workerData: { flag: replies.flag, replyPort: replies.replyPort, lead }, transferList: [replies.replyPort] });
}

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
});

describe('blocking replies', () => {
  it('returns each reply in turn, blocking until it comes', () => {
    const replies = new BlockingReplies();
    const worker = doubler(replies, 0);
    workers.push(worker);
    for (const n of [1, 2, 3]) {
      worker.postMessage(n);
      expect(replies.take(10_000, 'the doubler')).toBe(n * 2);
    }
  });

  it('still returns the reply when the flag is raised before the reply can be read', () => {
    const replies = new BlockingReplies();
    const worker = doubler(replies, 20);
    workers.push(worker);
    worker.postMessage(21);
    expect(replies.take(10_000, 'the doubler')).toBe(42);
    worker.postMessage(5);
    expect(replies.take(10_000, 'the doubler')).toBe(10);
  });

  it('gives up, naming what it waited for, when no reply comes', () => {
    const replies = new BlockingReplies();
    expect(() => replies.take(30, 'nobody')).toThrow('no reply from nobody within 30 ms');
  });
});
