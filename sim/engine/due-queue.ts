import { MinHeap } from '../../scenarios/common/min-heap.ts';

/**
 * A queue of things due at virtual instants, served in (due, order, insertion) order: the same
 * tie-break rule as SimPy's queue (time, priority, sequence), so that equal instants are served in a
 * fixed, first-in-first-out order. The insertion sequence makes the order total, so the heap's own
 * order among equal items never shows.
 */
export interface DueEntry<T> {
  due: number;
  order: number;
  value: T;
}

interface Slot<T> extends DueEntry<T> {
  sequence: number;
}

export class DueQueue<T> {
  private readonly heap = new MinHeap<Slot<T>>(compareSlots);
  private sequence = 0;

  get size(): number {
    return this.heap.size;
  }

  push(due: number, order: number, value: T): void {
    this.heap.push({ due, order, value, sequence: this.sequence++ });
  }

  peek(): DueEntry<T> | undefined {
    return this.heap.peek();
  }

  pop(): DueEntry<T> | undefined {
    return this.heap.pop();
  }
}

function compareSlots<T>(a: Slot<T>, b: Slot<T>): number {
  if (a.due !== b.due) return a.due - b.due;
  if (a.order !== b.order) return a.order - b.order;
  return a.sequence - b.sequence;
}
