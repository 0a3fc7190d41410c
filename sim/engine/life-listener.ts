import type { WindowKind } from '../../server-stub/policy/index.ts';

/**
 * What a participant's life tells, at the points where it records something: the shard's metrics
 * listen, and the event log when there is one. One listener per life (lives run interleaved in drive
 * mode). Plain numbers rather than objects: in a big run these calls are made ~10^8 times.
 * `seq` numbers the life's events in order; `intent`, `verdict` and `cause` are vocabulary indexes.
 */
export interface LifeListener {
  /** The life starts: `activeDays` under supervision; `absconds` when the person absconds before it ends. */
  started(activeDays: number, absconds: boolean, followed: boolean): void;
  absconded(at: number, seq: number): void;
  windowOpened(at: number, seq: number, windowIndex: number, kind: WindowKind, intent: number): void;
  /** The server judged a sample (`similarity` to the enrolled template). */
  judged(impostor: boolean, byPhone: boolean, similarity: number): void;
  /** An attempt's outcome: verified, or failed by `cause`. */
  attempted(at: number, seq: number, windowIndex: number, attemptIndex: number, verified: boolean, cause: number): void;
  windowClosed(day: number, intent: number, verdict: number, cause: number, at: number, seq: number, windowIndex: number, attempts: number): void;
  /** The life is over: it drew `draws` numbers and had `events` events. */
  ended(draws: number, events: number): void;
  /** The life waits for the answer to an attempt (its steps run interleaved with others'): whatever was held back is recorded now. */
  paused(): void;
}

/** Makes the listener of the participant at `row` (id `id`) as its life starts. */
export type LifeListeners = (row: number, id: number) => LifeListener;

/** Two listeners told the same, in turn. */
export class ListenerPair implements LifeListener {
  constructor(
    private readonly first: LifeListener,
    private readonly second: LifeListener,
  ) {}

  started(activeDays: number, absconds: boolean, followed: boolean): void {
    this.first.started(activeDays, absconds, followed);
    this.second.started(activeDays, absconds, followed);
  }

  absconded(at: number, seq: number): void {
    this.first.absconded(at, seq);
    this.second.absconded(at, seq);
  }

  windowOpened(at: number, seq: number, windowIndex: number, kind: WindowKind, intent: number): void {
    this.first.windowOpened(at, seq, windowIndex, kind, intent);
    this.second.windowOpened(at, seq, windowIndex, kind, intent);
  }

  judged(impostor: boolean, byPhone: boolean, similarity: number): void {
    this.first.judged(impostor, byPhone, similarity);
    this.second.judged(impostor, byPhone, similarity);
  }

  attempted(at: number, seq: number, windowIndex: number, attemptIndex: number, verified: boolean, cause: number): void {
    this.first.attempted(at, seq, windowIndex, attemptIndex, verified, cause);
    this.second.attempted(at, seq, windowIndex, attemptIndex, verified, cause);
  }

  windowClosed(day: number, intent: number, verdict: number, cause: number, at: number, seq: number, windowIndex: number, attempts: number): void {
    this.first.windowClosed(day, intent, verdict, cause, at, seq, windowIndex, attempts);
    this.second.windowClosed(day, intent, verdict, cause, at, seq, windowIndex, attempts);
  }

  ended(draws: number, events: number): void {
    this.first.ended(draws, events);
    this.second.ended(draws, events);
  }

  paused(): void {
    this.first.paused();
    this.second.paused();
  }
}
