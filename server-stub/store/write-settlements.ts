import { settleLater, type SettleLater } from './settle-later.ts';

/**
 * The server's writes, numbered in the order they were made, as their groups are settled (committed or
 * rolled back) by the writer thread, oldest first: what `flush()` waits on, and which attempts are
 * still in flight (taken, yet not readable from the file).
 */
export class WriteSettlements {
  /** Every write up to this one is settled. */
  private settled = 0;
  private readonly waiting: (SettleLater & { through: number })[] = [];
  /** Attempts written and not yet settled, in the order of their writes. */
  private readonly inFlight: { participantId: string; attemptId: string; write: number }[] = [];
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
    const waiter = { through, ...settleLater() };
    if (this.waiting.length === 0) this.onWaiting(true);
    this.waiting.push(waiter);
    return waiter.promise;
  }

  /** True when write `through` and every earlier one are settled. */
  allSettled(through: number): boolean {
    return through <= this.settled;
  }

  /** Notes an attempt id taken by write number `write`. */
  takeAttempt(participantId: string, attemptId: string, write: number): void {
    this.inFlight.push({ participantId, attemptId, write });
  }

  /** The participant's attempt ids taken by writes not yet settled. */
  *attemptsInFlight(participantId: string): Generator<string> {
    for (let index = this.inFlightHead; index < this.inFlight.length; index++) {
      const attempt = this.inFlight[index]!;
      if (attempt.participantId === participantId) yield attempt.attemptId;
    }
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
    while (this.inFlightHead < this.inFlight.length && this.inFlight[this.inFlightHead]!.write <= through) this.inFlightHead++;
    if (this.inFlightHead === this.inFlight.length) {
      this.inFlight.length = 0;
      this.inFlightHead = 0;
    }
    return true;
  }
}
