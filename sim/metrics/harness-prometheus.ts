import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics } from '../../server-stub/metrics.ts';
import { FAILURE_CAUSES } from '../behaviour/failure-causes.ts';
import { INTENTS, SCORE_BIN_WIDTH, SCORE_BINS, SCORE_HISTOGRAMS, VERDICTS, type MetricsData } from './shard-metrics.ts';
import type { DriveMetricsSink, DriveRunStart } from './drive-metrics-sink.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/**
 * The harness's own Prometheus metrics during a drive run, exposed by `--metrics-port` and labelled
 * with `run` and `scenario` (registry default labels: nothing to look up per request). k6 runs push
 * the same names through remote write; README's table is the contract, and a test keeps it in step
 * with `HARNESS_METRICS`.
 *
 * Two kinds of figures:
 * - load figures, fed by the drive loop through `DriveMetricsSink` (a few additions per request);
 * - outcome figures (verdicts, false failures by cause, escalations, scores), read from the run's
 *   `MetricsData` when Prometheus scrapes, so the simulation's hot path pays nothing for them.
 */

export const HARNESS_PREFIX = 'checkin_harness_';

export interface HarnessMetricSpec {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
  readonly help: string;
}

const spec = <const T extends HarnessMetricSpec>(value: T): T => value;

const SPECS = {
  intended: spec({
    name: 'checkin_harness_requests_intended_total',
    type: 'counter',
    labels: [],
    help: 'Check-in requests whose intended send instant has passed, counted from the schedule whether sent or not (open model)',
  }),
  sent: spec({ name: 'checkin_harness_requests_sent_total', type: 'counter', labels: [], help: 'Check-in requests that left the driver' }),
  completed: spec({
    name: 'checkin_harness_requests_completed_total',
    type: 'counter',
    labels: [],
    help: 'Check-in requests answered or failed (the achieved rate)',
  }),
  late: spec({
    name: 'checkin_harness_requests_late_total',
    type: 'counter',
    labels: [],
    help: 'Check-in requests sent more than --late-after-ms after their intended instant',
  }),
  errors: spec({
    name: 'checkin_harness_request_errors_total',
    type: 'counter',
    labels: ['kind'],
    help: 'Failed requests by kind (http_<status>[_<code>], timeout, connection, window_closed, window_registration, ...)',
  }),
  inFlight: spec({ name: 'checkin_harness_requests_in_flight', type: 'gauge', labels: [], help: 'Check-in requests sent and not yet answered' }),
  latency: spec({
    name: 'checkin_harness_request_latency_seconds',
    type: 'histogram',
    labels: [],
    help: 'Time from the intended send instant to the answer, in seconds (no coordinated omission)',
  }),
  lag: spec({
    name: 'checkin_harness_driver_lag_seconds',
    type: 'histogram',
    labels: [],
    help: 'Time from the intended send instant to the actual send, in seconds (the driver falling behind)',
  }),
  compression: spec({ name: 'checkin_harness_time_compression_ratio', type: 'gauge', labels: [], help: 'Virtual ms per wall ms of the run' }),
  windows: spec({
    name: 'checkin_harness_windows_total',
    type: 'counter',
    labels: ['intent'],
    help: 'Closed check-in windows by ground-truth intent (complied, evaded, impostor)',
  }),
  verdicts: spec({
    name: 'checkin_harness_window_verdicts_total',
    type: 'counter',
    labels: ['verdict'],
    help: 'Closed check-in windows by verdict (verified, rejected, missed)',
  }),
  falseFailures: spec({
    name: 'checkin_harness_false_failures_total',
    type: 'counter',
    labels: ['cause'],
    help: 'Windows answered in good faith but recorded missed or rejected, by the cause of the failure (every cause present from 0)',
  }),
  falseAccepts: spec({ name: 'checkin_harness_false_accepts_total', type: 'counter', labels: [], help: 'Windows answered by an impostor and verified' }),
  escalations: spec({ name: 'checkin_harness_escalations_total', type: 'counter', labels: [], help: 'Participants escalated to an officer' }),
  falseEscalations: spec({
    name: 'checkin_harness_false_escalations_total',
    type: 'counter',
    labels: [],
    help: 'Escalations of participants who had not absconded',
  }),
  inPersonVisits: spec({
    name: 'checkin_harness_in_person_visits_total',
    type: 'counter',
    labels: [],
    help: 'In-person visits forced by false failures',
  }),
  officerCalls: spec({ name: 'checkin_harness_officer_calls_total', type: 'counter', labels: [], help: 'Calls to an officer after a failed window' }),
  scores: spec({
    name: 'checkin_harness_similarity_score',
    type: 'histogram',
    labels: ['source', 'modality'],
    help: 'Similarity of judged samples to the template by ground truth (source: genuine, impostor) and modality (dimensionless; _sum from 0.01-wide bin midpoints)',
  }),
  threshold: spec({
    name: 'checkin_harness_verification_threshold',
    type: 'gauge',
    labels: ['modality'],
    help: "The scenario policy's similarity threshold by modality (face, voice)",
  }),
};

/** Every metric the harness exposes, besides prom-client's default process metrics under the same prefix. */
export const HARNESS_METRICS: readonly HarnessMetricSpec[] = Object.values(SPECS);

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LAG_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Score bucket bounds: each falls on an edge of the 0.01-wide bins of `MetricsData.scoreHistograms`. */
export const SCORE_BUCKETS = [-0.2, -0.1, 0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
/** The intended counter releases scheduled requests in slots of this many wall ms. */
const SLOT_MS = 100;

export interface HarnessLabels {
  run: string;
  scenario: string;
}

/** A run label: scenario, seed and the UTC start time to the second, e.g. `baseline-seed42-20250101T120000Z`. */
export function runLabelOf(scenario: Pick<Scenario, 'name' | 'seed'>, startedAt: Date): string {
  return `${scenario.name}-seed${scenario.seed}-${startedAt.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

export class HarnessMetrics implements DriveMetricsSink {
  readonly registry = new Registry();
  readonly labels: Readonly<HarnessLabels>;
  private run: DriveRunStart | undefined;
  private targetUrl: string | undefined;
  private readonly latency: Histogram;
  private readonly lag: Histogram;
  private readonly sentTotal: Counter;
  private readonly completedTotal: Counter;
  private readonly lateTotal: Counter;
  private readonly errors: Counter<'kind'>;
  private readonly errorSeries = new Map<string, Counter.Internal>();
  private lateAfterMs = Number.POSITIVE_INFINITY;
  private sentCount = 0;
  private completedCount = 0;
  // Intended requests not yet due, by SLOT_MS slot of their due instant (slot 0 starts at `slotOrigin`).
  private readonly pendingSlots = new Map<number, number>();
  private slotOrigin = Number.NaN;
  private releasedSlots = 0;
  private intendedCount = 0;

  constructor(labels: HarnessLabels, policy: Pick<Scenario['policy'], 'faceThreshold' | 'voiceThreshold'>) {
    this.labels = Object.freeze({ ...labels });
    this.registry.setDefaultLabels({ run: labels.run, scenario: labels.scenario });
    collectProcessMetrics(this.registry, HARNESS_PREFIX);
    const options = (s: HarnessMetricSpec) => ({ name: s.name, help: s.help, labelNames: [...s.labels], registers: [this.registry] });

    const intended: Counter = new Counter({
      ...options(SPECS.intended),
      collect: () => {
        this.releaseDueSlots();
        intended.reset();
        intended.inc(this.intendedCount);
      },
    });
    this.sentTotal = new Counter(options(SPECS.sent));
    this.completedTotal = new Counter(options(SPECS.completed));
    this.lateTotal = new Counter(options(SPECS.late));
    this.errors = new Counter(options(SPECS.errors));
    const inFlight: Gauge = new Gauge({ ...options(SPECS.inFlight), collect: () => inFlight.set(this.sentCount - this.completedCount) });
    this.latency = new Histogram({ ...options(SPECS.latency), buckets: LATENCY_BUCKETS });
    this.lag = new Histogram({ ...options(SPECS.lag), buckets: LAG_BUCKETS });
    const compression: Gauge = new Gauge({
      ...options(SPECS.compression),
      collect: () => {
        if (this.run) compression.set(this.run.compression);
      },
    });
    this.countsOf(SPECS.windows, INTENTS, (data) => data.windowsByIntent);
    this.countsOf(SPECS.verdicts, VERDICTS, (data) => data.verdicts);
    this.countsOf(SPECS.falseFailures, FAILURE_CAUSES, (data) => data.falseFailuresByCause);
    this.countOf(SPECS.falseAccepts, (data) => data.falseAccepts);
    this.countOf(SPECS.escalations, (data) => data.escalations);
    this.countOf(SPECS.falseEscalations, (data) => data.falseEscalations);
    this.countOf(SPECS.inPersonVisits, (data) => data.inPersonVisits);
    this.countOf(SPECS.officerCalls, (data) => data.officerCalls);
    this.scoresFromBins(SPECS.scores);
    const threshold = new Gauge(options(SPECS.threshold));
    threshold.set({ modality: 'face' }, policy.faceThreshold);
    threshold.set({ modality: 'voice' }, policy.voiceThreshold);
  }

  /** Where the driven server's own /metrics is, once the run has started (for Prometheus HTTP service discovery). */
  get target(): string | undefined {
    return this.targetUrl;
  }

  begin(run: DriveRunStart): void {
    this.run = run;
    this.targetUrl = run.targetUrl;
    this.lateAfterMs = run.lateAfterMs;
    this.slotOrigin = performance.now();
  }

  scheduled(dueWallMs: number): void {
    const slot = Math.floor((dueWallMs - this.slotOrigin) / SLOT_MS);
    if (!(slot >= this.releasedSlots)) {
      this.intendedCount++; // already due (or scheduled before begin): count it now
      return;
    }
    this.pendingSlots.set(slot, (this.pendingSlots.get(slot) ?? 0) + 1);
  }

  sent(dueWallMs: number, sentWallMs: number): void {
    this.sentCount++;
    this.sentTotal.inc();
    const lagMs = Math.max(0, sentWallMs - dueWallMs);
    this.lag.observe(lagMs / 1000);
    if (lagMs > this.lateAfterMs) this.lateTotal.inc();
  }

  answered(dueWallMs: number, answeredWallMs: number, errorKind?: string): void {
    this.completedCount++;
    this.completedTotal.inc();
    this.latency.observe(Math.max(0, answeredWallMs - dueWallMs) / 1000);
    if (errorKind !== undefined) this.error(errorKind);
  }

  error(kind: string): void {
    let series = this.errorSeries.get(kind);
    if (series === undefined) {
      series = this.errors.labels(kind);
      this.errorSeries.set(kind, series);
    }
    series.inc();
  }

  /** The exposition text, as Prometheus scrapes it. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  /** Moves the slots whose whole span has passed into the intended count. */
  private releaseDueSlots(): void {
    if (Number.isNaN(this.slotOrigin)) return;
    const upTo = Math.floor((performance.now() - this.slotOrigin) / SLOT_MS);
    for (; this.releasedSlots < upTo; this.releasedSlots++) {
      const count = this.pendingSlots.get(this.releasedSlots);
      if (count === undefined) continue;
      this.intendedCount += count;
      this.pendingSlots.delete(this.releasedSlots);
    }
  }

  /**
   * The score histogram, replayed from the run's score bins (0.01 wide over [-1, 1]) when scraped:
   * each new score is observed at its bin's midpoint, which falls in the same bucket as the score
   * itself (every bucket bound is a bin edge). Costs one observation per new score, per scrape.
   */
  private scoresFromBins(s: HarnessMetricSpec): void {
    const seen = new Array<number>(SCORE_HISTOGRAMS.length * SCORE_BINS).fill(0);
    const replay = () => {
      const bins = this.run?.data.scoreHistograms;
      if (!bins) return;
      children.forEach((child, index) => {
        for (let bin = 0; bin < SCORE_BINS; bin++) {
          const at = index * SCORE_BINS + bin;
          const total = bins[at] ?? 0;
          const midpoint = -1 + (bin + 0.5) * SCORE_BIN_WIDTH;
          for (; seen[at]! < total; seen[at]!++) child.observe(midpoint);
        }
      });
    };
    const histogram = new Histogram({ name: s.name, help: s.help, labelNames: s.labels, buckets: SCORE_BUCKETS, registers: [this.registry], collect: replay });
    const children = SCORE_HISTOGRAMS.map((name) => {
      const labels = { source: name.startsWith('genuine') ? 'genuine' : 'impostor', modality: name.endsWith('Face') ? 'face' : 'voice' };
      histogram.zero(labels);
      return histogram.labels(labels);
    });
  }

  /** A counter that reads one count of the run when scraped. */
  private countOf(s: HarnessMetricSpec, read: (data: MetricsData) => number): void {
    const counter: Counter = new Counter({
      name: s.name,
      help: s.help,
      registers: [this.registry],
      collect: () => {
        counter.reset();
        if (this.run) counter.inc(read(this.run.data));
      },
    });
  }

  /** A counter with one label whose values are `names`, read from the run's counts (in the same order) when scraped. */
  private countsOf(s: HarnessMetricSpec, names: readonly string[], read: (data: MetricsData) => readonly number[]): void {
    const label = s.labels[0]!;
    const counter: Counter = new Counter({
      name: s.name,
      help: s.help,
      labelNames: [label],
      registers: [this.registry],
      collect: () => {
        counter.reset();
        const counts = this.run ? read(this.run.data) : undefined;
        names.forEach((name, index) => counter.inc({ [label]: name }, counts?.[index] ?? 0));
      },
    });
  }
}
