/**
 * A min-heap of things due at virtual instants, ordered by (due, order, insertion): the same
 * tie-break rule as SimPy's queue (time, priority, sequence), so that equal instants are served in a
 * fixed, first-in-first-out order.
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
  private readonly heap: Slot<T>[] = [];
  private sequence = 0;

  get size(): number {
    return this.heap.length;
  }

  push(due: number, order: number, value: T): void {
    const heap = this.heap;
    heap.push({ due, order, value, sequence: this.sequence++ });
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  peek(): DueEntry<T> | undefined {
    return this.heap[0];
  }

  pop(): DueEntry<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === index) break;
        [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
        index = smallest;
      }
    }
    return top;
  }
}

function before<T>(a: Slot<T>, b: Slot<T>): boolean {
  if (a.due !== b.due) return a.due < b.due;
  if (a.order !== b.order) return a.order < b.order;
  return a.sequence < b.sequence;
}
