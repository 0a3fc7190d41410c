import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../scenarios/common/min-heap.ts';
import { DueQueue } from '../../../sim/engine/due-queue.ts';

const drain = <T>(take: () => T | undefined): T[] => {
  const out: T[] = [];
  for (let item = take(); item !== undefined; item = take()) out.push(item);
  return out;
};

describe('MinHeap', () => {
  it('pops in ascending order whatever the pushes, and peeks what it pops next', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 })), (values) => {
        const heap = new MinHeap<number>((a, b) => a - b);
        for (const value of values) heap.push(value);
        expect(heap.size).toBe(values.length);
        expect(heap.peek()).toBe(values.length === 0 ? undefined : Math.min(...values));
        expect(drain(() => heap.pop())).toEqual([...values].sort((a, b) => a - b));
        expect(heap.size).toBe(0);
      }),
    );
  });

  it('takes pushes between pops', () => {
    const heap = new MinHeap<number>((a, b) => a - b);
    [5, 1, 4].forEach((value) => heap.push(value));
    expect(heap.pop()).toBe(1);
    heap.push(0);
    heap.push(9);
    expect(drain(() => heap.pop())).toEqual([0, 4, 5, 9]);
  });
});

describe('DueQueue', () => {
  it('serves by instant, then order, then first in first out', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 2 }))), (entries) => {
        const queue = new DueQueue<number>();
        entries.forEach(([due, order], index) => queue.push(due, order, index));
        const expected = entries.map(([due, order], index) => ({ due, order, index })).sort((a, b) => a.due - b.due || a.order - b.order || a.index - b.index);
        expect(drain(() => queue.pop()).map((entry) => entry.value)).toEqual(expected.map((entry) => entry.index));
      }),
    );
  });
});
