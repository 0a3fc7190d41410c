import * as hdr from 'hdr-histogram-js';

/** summary.json's `load` section (drive and k6 modes). Wall-clock figures: outside the digest. */
export interface LoadSummary {
  target: string;
  compression: number;
  requests: number;
  intendedRps: number;
  achievedRps: number;
  late: number;
  driverLagMsP99: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  errors: Record<string, number>;
  timeline: LoadSecond[];
  /** Why the run stopped early, when it did; its figures are then partial. */
  aborted?: string;
}

interface LoadSecond {
  second: number;
  /** Requests due in this second. */
  intendedRps: number;
  /** Requests that left the driver in this second. */
  sentRps: number;
  /** Answers that arrived in this second. */
  achievedRps: number;
  /** Latency percentiles of the requests due in this second. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
}

/**
 * Latencies in µs up to an hour, 3 significant digits. The run's own histograms take every request, so
 * they use plain 32-bit counts (about 90 KiB each, and several times faster to record into); the
 * per-second ones, one per second of a run that may last hours, are packed once their second is
 * OPEN_SECONDS behind the newest (packing keeps every count: their percentiles stay the same).
 */
const newHistogram = (bitBucketSize: 32 | 'packed') =>
  hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, bitBucketSize });

/**
 * Seconds whose latencies record into a 32-bit histogram: recording into a packed one was 7–8 % of
 * the driver's profile samples at 3,000 req/s. Answers for an older second (a backlog) still record,
 * into its packed histogram.
 */
const OPEN_SECONDS = 8;

interface SecondBucket {
  intended: number;
  sent: number;
  completed: number;
  errors: number;
  latencyMicros: hdr.Histogram;
}

/**
 * What the load driver measures, all in wall time: latency from each request's *intended* send
 * instant (so that a slow server cannot hide its queue: no coordinated omission), the driver's own
 * lag in sending, requests sent too late, errors by kind, and a per-second timeline keyed by the
 * second each request was due.
 */
export class LoadRecorder {
  private readonly latencyMicros = newHistogram(32);
  private readonly lagMicros = newHistogram(32);
  private readonly errors = new Map<string, number>();
  private readonly seconds: SecondBucket[] = [];
  private requests = 0;
  private completed = 0;
  private lateCount = 0;
  private firstDueMs = Number.POSITIVE_INFINITY;
  private lastDueMs = Number.NEGATIVE_INFINITY;
  private lastDoneMs = Number.NEGATIVE_INFINITY;

  /**
   * @param startedAtMs wall instant of the run's start (the timeline's second 0)
   * @param lateAfterMs a request dispatched more than this after its due instant counts as late
   */
  constructor(
    private readonly startedAtMs: number,
    private readonly lateAfterMs: number,
  ) {}

  /** A request leaves the driver `sentAtMs`, having been due at `dueAtMs`. */
  sent(dueAtMs: number, sentAtMs: number): void {
    this.requests++;
    const lag = Math.max(0, sentAtMs - dueAtMs);
    this.lagMicros.recordValue(Math.max(1, Math.round(lag * 1000)));
    if (lag > this.lateAfterMs) this.lateCount++;
    this.bucket(dueAtMs).intended++;
    this.bucket(sentAtMs).sent++;
    this.firstDueMs = Math.min(this.firstDueMs, dueAtMs);
    this.lastDueMs = Math.max(this.lastDueMs, dueAtMs);
  }

  /** Its answer (or failure) arrives `doneAtMs`; `errorKind` names a failure, e.g. `http_503`, `timeout`. */
  done(dueAtMs: number, doneAtMs: number, errorKind?: string): void {
    this.completed++;
    this.lastDoneMs = Math.max(this.lastDoneMs, doneAtMs);
    const micros = Math.max(1, Math.round((doneAtMs - dueAtMs) * 1000));
    this.latencyMicros.recordValue(micros);
    this.bucket(doneAtMs).completed++;
    const bucket = this.bucket(dueAtMs);
    bucket.latencyMicros.recordValue(micros);
    if (errorKind !== undefined) {
      bucket.errors++;
      this.errors.set(errorKind, (this.errors.get(errorKind) ?? 0) + 1);
    }
  }

  /** A failure outside the timed requests (e.g. registering windows). */
  error(kind: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  get inFlight(): number {
    return this.requests - this.completed;
  }

  /** Figures so far, for the live progress line. */
  live(): { requests: number; p99Ms: number; errors: number } {
    return { requests: this.requests, p99Ms: this.latencyMicros.getValueAtPercentile(99) / 1000, errors: [...this.errors.values()].reduce((a, b) => a + b, 0) };
  }

  summary(target: string, compression: number): LoadSummary {
    const ms = (micros: number) => Math.round(micros) / 1000;
    const dueSpanS = Math.max((this.lastDueMs - this.firstDueMs) / 1000, 1e-3);
    const doneSpanS = Math.max((this.lastDoneMs - this.firstDueMs) / 1000, 1e-3);
    return {
      target,
      compression,
      requests: this.requests,
      intendedRps: this.requests === 0 ? 0 : Math.round(this.requests / dueSpanS),
      achievedRps: this.completed === 0 ? 0 : Math.round(this.completed / doneSpanS),
      late: this.lateCount,
      driverLagMsP99: ms(this.lagMicros.getValueAtPercentile(99)),
      latencyMs: {
        p50: ms(this.latencyMicros.getValueAtPercentile(50)),
        p90: ms(this.latencyMicros.getValueAtPercentile(90)),
        p99: ms(this.latencyMicros.getValueAtPercentile(99)),
        p999: ms(this.latencyMicros.getValueAtPercentile(99.9)),
        max: ms(this.latencyMicros.maxValue),
      },
      errors: Object.fromEntries([...this.errors.entries()].sort(([a], [b]) => a.localeCompare(b))),
      timeline: this.seconds.map((bucket, second) => ({
        second,
        intendedRps: bucket.intended,
        sentRps: bucket.sent,
        achievedRps: bucket.completed,
        latencyP50Ms: ms(bucket.latencyMicros.getValueAtPercentile(50)),
        latencyP99Ms: ms(bucket.latencyMicros.getValueAtPercentile(99)),
        errors: bucket.errors,
      })),
    };
  }

  private bucket(atMs: number): SecondBucket {
    const second = Math.max(0, Math.floor((atMs - this.startedAtMs) / 1000));
    for (let index = this.seconds.length; index <= second; index++) {
      this.seconds[index] = { intended: 0, sent: 0, completed: 0, errors: 0, latencyMicros: newHistogram(32) };
      const closing = this.seconds[index - OPEN_SECONDS];
      if (closing) closing.latencyMicros = packed(closing.latencyMicros);
    }
    return this.seconds[second]!;
  }
}

function packed(histogram: hdr.Histogram): hdr.Histogram {
  const copy = newHistogram('packed');
  copy.add(histogram);
  return copy;
}
