import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DueQueue } from '../engine/due-queue.ts';

/** How long the sender sleeps at most, so that `onTick` runs at least this often while it waits for a due instant. */
const TICK_MS = 500;
/** Sends in a burst before the answers in between get the event loop. */
const BURST = 64;

export interface SenderOptions {
  /** Wall instant (performance.now() ms) at which something due at `due` is sent. */
  wallAt(due: number): number;
  /** The sender gives up once it has been more than `maxLagMs` behind its schedule for `maxLagForMs`; never when absent. */
  maxLag?: { maxLagMs: number; maxLagForMs: number };
  /** Called when sending starts and then about every TICK_MS (progress). */
  onTick?: () => void;
}

/** How far behind the sender was when it gave up. */
export interface FellBehind {
  lagMs: number;
  forMs: number;
}

/**
 * An open model's sending loop: everything scheduled goes out at the wall instant its due instant
 * maps to, whether earlier requests have been answered or not (the caller measures latency from that
 * intended instant, or from the send when it came first). Entries leave in (due, order) order, first
 * in first out among equals; requests may schedule more while the loop runs (a participant's next
 * attempt after an answer).
 */
export class OpenModelSender<T> {
  private readonly queue = new DueQueue<T>();
  private inFlight = 0;
  private wake: () => void = () => {};

  constructor(private readonly options: SenderOptions) {}

  schedule(due: number, order: number, value: T): void {
    this.queue.push(due, order, value);
  }

  /** Counts a request in flight until it settles: the loop ends only once nothing is scheduled or in flight. */
  track(request: Promise<unknown>): void {
    this.inFlight++;
    void request.finally(() => {
      this.inFlight--;
      this.wake();
    });
  }

  /**
   * Sends everything scheduled, `fire` starting each at its instant and given the instant its latency
   * counts from (the intended one, or the send if that came first); resolves when all is answered, or
   * on falling behind.
   */
  async send(fire: (value: T, dueWall: number) => void): Promise<FellBehind | undefined> {
    const { wallAt, maxLag, onTick } = this.options;
    let fired = 0;
    let laggingSince = Number.NaN;
    let lastTick = Number.NEGATIVE_INFINITY;
    for (;;) {
      const now = performance.now();
      if (onTick && now - lastTick >= TICK_MS) {
        lastTick = now;
        onTick();
      }
      const next = this.queue.peek();
      if (!next) {
        if (this.inFlight === 0) return undefined;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const dueWall = wallAt(next.due);
      if (dueWall > now + 0.5) {
        await this.sleep(Math.min(dueWall - now, TICK_MS));
        continue;
      }
      const lag = now - dueWall;
      if (maxLag && lag > maxLag.maxLagMs) {
        if (Number.isNaN(laggingSince)) laggingSince = now;
        else if (now - laggingSince > maxLag.maxLagForMs) return { lagMs: lag, forMs: now - laggingSince };
      } else {
        laggingSince = Number.NaN;
      }
      this.queue.pop();
      // Timers wake on whole milliseconds, so a request may leave up to 0.5 ms before its instant: its latency then counts from when it left.
      fire(next.value, Math.min(dueWall, now));
      if (++fired % BURST === 0) await yieldToEventLoop();
    }
  }

  /** Waits for the requests still in flight, at most `timeoutMs` and a second. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs + 1_000;
    while (this.inFlight > 0 && performance.now() < deadline) await this.sleep(100);
  }

  /** Sleeps `ms`, or less if a request settles meanwhile. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
