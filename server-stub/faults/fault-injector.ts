import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import seedrandom from 'seedrandom';
import { ServerError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { ServerMetrics } from '../metrics.ts';
import type { FaultRoute, Faults } from './fault-schema.ts';

/**
 * Holds the faults in force and applies them. Draws (jitter, error rate) come from a seeded Alea
 * stream, so a run with a fixed fault seed injects the same faults in the same order of requests.
 */
export class FaultInjector {
  private faults: Faults;
  private anyRouteFault: boolean;
  private readonly draw: () => number;

  constructor(
    initial: Faults,
    seed: number | undefined,
    private readonly clock: Clock,
    private readonly metrics: ServerMetrics,
  ) {
    this.faults = initial;
    this.anyRouteFault = anyRouteFault(initial);
    this.draw = seedrandom.alea(String(seed ?? randomInt(2 ** 32 - 1)));
  }

  get current(): Faults {
    return this.faults;
  }

  replace(faults: Faults): void {
    this.faults = faults;
    this.anyRouteFault = anyRouteFault(faults);
  }

  /** The outage in force now, if any, with the wall seconds until it ends. */
  outageRetryAfter(): number | undefined {
    const now = this.clock.now();
    const outage = this.faults.outages.find((span) => span.fromMs <= now && now < span.toMs);
    return outage === undefined ? undefined : Math.max(1, Math.ceil((outage.toMs - now) / this.clock.factor / 1000));
  }

  /**
   * Applies the faults of an API request: an outage refuses it, latency delays it, the route's error
   * rate may fail it. Resolves at once (no timer) when none are set.
   */
  async beforeRoute(route: FaultRoute): Promise<void> {
    const retryAfter = this.outageRetryAfter();
    if (retryAfter !== undefined) {
      this.metrics.faultsInjected.inc({ kind: 'outage' });
      throw new ServerError('SRV_ERR_OUTAGE', 'the service is in an injected outage; retry later', undefined, retryAfter);
    }
    const { fixedMs, jitterMs } = this.faults.latency;
    const delay = fixedMs + (jitterMs > 0 ? this.draw() * jitterMs : 0);
    if (delay > 0) {
      this.metrics.faultsInjected.inc({ kind: 'latency' });
      await sleep(delay);
    }
    const rate = this.faults.errorRate[route];
    if (rate > 0 && this.draw() < rate) {
      this.metrics.faultsInjected.inc({ kind: 'error' });
      throw new ServerError('SRV_ERR_INJECTED_FAULT', `an error injected at rate ${rate} on route ${route}`);
    }
  }

  /** Whether any request fault is set; lets the hot path skip `beforeRoute` entirely. */
  get routeFaultsSet(): boolean {
    return this.anyRouteFault;
  }

  /** Delays a store access as the slow-database fault says; undefined when there is none. */
  slowDatabase(): Promise<void> | undefined {
    const { delayMs, jitterMs, blocking } = this.faults.slowDatabase;
    const delay = delayMs + (jitterMs > 0 ? this.draw() * jitterMs : 0);
    if (delay <= 0) return undefined;
    this.metrics.faultsInjected.inc({ kind: 'slow_database' });
    if (!blocking) return sleep(delay);
    const until = performance.now() + delay;
    while (performance.now() < until) {
      // holds the event loop, as a synchronous driver on a slow disk does
    }
    return undefined;
  }
}

function anyRouteFault({ latency, errorRate, outages }: Faults): boolean {
  return latency.fixedMs > 0 || latency.jitterMs > 0 || outages.length > 0 || Object.values(errorRate).some((rate) => rate > 0);
}
