/**
 * The server's writes, numbered in the order they were made, as their groups are settled (committed or
 * rolled back) by the writer thread, oldest first: what `flush()` waits on, and which attempt ids are
 * still in flight (not yet readable from the file, yet taken).
 */
export class WriteSettlements {
  /** Every write up to this one is settled. */
  private settled = 0;
  private readonly waiting: { through: number; promise: Promise<void>; resolve: () => void; reject: (error: Error) => void }[] = [];
  /** Attempt ids (participant and attempt) written and not yet settled, with the number of their write. */
  private readonly inFlight = new Map<string, number>();
  private readonly inFlightOrder: { key: string; write: number }[] = [];
  private inFlightHead = 0;

  constructor(
    /** Called when the first waiter comes and when the last one leaves: the writer thread must keep the process alive while anyone waits. */
    private readonly onWaiting: (waiting: boolean) => void,
  ) {}

  /** Resolves once write `through` and every earlier one is committed; undefined when they already are. */
  waitFor(through: number): Promise<void> | undefined {
    if (through <= this.settled) return undefined;
    const last = this.waiting.at(-1);
    if (last?.through === through) return last.promise;
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    // Whoever flushes handles a failure; a write nobody waits for must not crash the process.
    promise.catch(() => {});
    if (this.waiting.length === 0) this.onWaiting(true);
    this.waiting.push({ through, promise, resolve, reject });
    return promise;
  }

  /** True when write `through` and every earlier one are settled. */
  allSettled(through: number): boolean {
    return through <= this.settled;
  }

  /** Notes an attempt id taken by write number `write`. */
  takeAttempt(key: string, write: number): void {
    this.inFlight.set(key, write);
    this.inFlightOrder.push({ key, write });
  }

  /** True while the attempt id is taken by a write not yet settled. */
  attemptInFlight(key: string): boolean {
    return this.inFlight.has(key);
  }

  /** Settles every write through `through`: committed, or rolled back with `error`. False when they already were. */
  settle(through: number, error?: Error): boolean {
    if (through <= this.settled) return false;
    this.settled = through;
    let settledWaiters = 0;
    for (const waiter of this.waiting) {
      if (waiter.through > through) break;
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
      settledWaiters++;
    }
    if (settledWaiters > 0) {
      this.waiting.splice(0, settledWaiters);
      if (this.waiting.length === 0) this.onWaiting(false);
    }
    while (this.inFlightHead < this.inFlightOrder.length && this.inFlightOrder[this.inFlightHead]!.write <= through) {
      this.inFlight.delete(this.inFlightOrder[this.inFlightHead++]!.key);
    }
    if (this.inFlightHead === this.inFlightOrder.length) {
      this.inFlightOrder.length = 0;
      this.inFlightHead = 0;
    }
    return true;
  }
}
