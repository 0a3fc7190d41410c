/**
 * Fresh attempt slots for the check-in benchmarks, handed out in order so that no attempt is sent
 * twice in a round, with windows opened as the slots handed out need them: the policy allows at most
 * 20 attempts per window, so a faster machine gets more windows rather than a failed run.
 *
 * Invariants: slot k (k ≥ 0) is participant k mod P's attempt a = ⌊k / P⌋ mod maxAttempts in its
 * window w = ⌊k / (P · maxAttempts)⌋; each k is handed out once; after `reserve` returns, windows
 * 0 … w of every participant are open for every slot it handed out.
 */
export interface Slot {
  participant: number;
  windowIndex: number;
  attemptIndex: number;
}

export class AttemptSlots {
  private next = 0;
  private windowsOpen = 0;

  constructor(
    readonly participants: number,
    readonly maxAttempts: number,
    /** Opens window `windowIndex` for every participant. */
    private readonly openWindow: (windowIndex: number) => Promise<void>,
  ) {}

  /** The first of `count` fresh slots, their windows open. */
  async reserve(count: number): Promise<number> {
    const first = this.next;
    this.next += count;
    const needed = Math.ceil(this.next / (this.participants * this.maxAttempts));
    while (this.windowsOpen < needed) await this.openWindow(this.windowsOpen++);
    return first;
  }

  at(k: number): Slot {
    const perWindow = this.participants * this.maxAttempts;
    return { participant: k % this.participants, windowIndex: Math.floor(k / perWindow), attemptIndex: Math.floor((k % perWindow) / this.participants) };
  }

  /** Windows opened per participant so far. */
  get windows(): number {
    return this.windowsOpen;
  }
}
