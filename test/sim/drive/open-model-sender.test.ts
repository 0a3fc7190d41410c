import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { OpenModelSender } from '../../../sim/drive/open-model-sender.ts';

describe('the open-model sender', () => {
  it('gives each request the instant its latency counts from: its due instant, or its send when it left before it', async () => {
    const base = performance.now() + 20;
    const wallAt = (due: number) => base + due;
    const sender = new OpenModelSender<number>({ wallAt });
    // Due every 0.37 ms: most come due between two timer wake-ups, some within the half millisecond the sender sends ahead.
    for (let index = 0; index < 400; index++) sender.schedule(index * 0.37, index, index);
    const fired: { due: number; from: number; sentAt: number }[] = [];
    await sender.send((index, from) => fired.push({ due: wallAt(index * 0.37), from, sentAt: performance.now() }));
    expect(fired).toHaveLength(400);
    expect(fired.filter(({ due, sentAt }) => sentAt < due).length, 'requests that left before their instant').toBeGreaterThan(0);
    for (const { due, from, sentAt } of fired) {
      expect(from).toBeLessThanOrEqual(sentAt);
      expect(from).toBeLessThanOrEqual(due);
      expect(from).toBeGreaterThanOrEqual(due - 0.5);
    }
  });
});
