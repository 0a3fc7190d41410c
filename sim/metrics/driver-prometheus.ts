import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics } from '../../scenarios/common/process-metrics.ts';
import { FAILURE_CAUSES, INTENTS, VERDICTS } from '../../scenarios/vocabulary.ts';
import { SCORE_BIN_WIDTH, SCORE_BINS, SCORE_HISTOGRAMS, type MetricsData } from './shard-metrics.ts';
import type { DriveMetricsSink, DriveRunStart } from './drive-metrics-sink.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { HARNESS_SPECS as SPECS, falseFailureLabels, type HarnessMetricSpec } from '../../scenarios/k6/lib/harness-metric-specs.ts';

/**
 * The load driver's own Prometheus metrics during a drive run, exposed by `--metrics-port` and
 * labelled with `run` and `scenario` (registry default labels: nothing to look up per request). Their
 * names keep the `checkin_harness_` prefix the dashboards and recording rules read. Their names,
 * labels and buckets are in scenarios/k6/lib/harness-metric-specs.ts, shared with the k6 script, which
 * pushes the same names through remote write.
 *
 * Two kinds of figures:
 * - load figures, fed by the drive loop through `DriveMetricsSink` (a few additions per request);
 * - outcome figures (verdicts, false failures by cause and class, escalations, scores), read from the run's
 *   `MetricsData` when Prometheus scrapes, so the simulation's hot path pays nothing for them.
 */

const HARNESS_PREFIX = 'checkin_harness_';

/** The intended counter releases scheduled requests in slots of this many wall ms. */
const SLOT_MS = 100;

export interface DriverLabels {
  run: string;
  scenario: string;
}

/** A run label: scenario, seed and the UTC start time to the second, e.g. `baseline-seed42-20250101T120000Z`. */
export function runLabelOf(scenario: Pick<Scenario, 'name' | 'seed'>, startedAt: Date): string {
  return `${scenario.name}-seed${scenario.seed}-${startedAt.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

export class DriverMetrics implements DriveMetricsSink {
  readonly registry = new Registry();
  readonly labels: Readonly<DriverLabels>;
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

  constructor(labels: DriverLabels, policy: Pick<Scenario['policy'], 'faceThreshold' | 'voiceThreshold'>) {
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
    this.latency = new Histogram({ ...options(SPECS.latency), buckets: [...SPECS.latency.buckets] });
    this.lag = new Histogram({ ...options(SPECS.lag), buckets: [...SPECS.lag.buckets] });
    const compression: Gauge = new Gauge({
      ...options(SPECS.compression),
      collect: () => {
        if (this.run) compression.set(this.run.compression);
      },
    });
    this.countsOf(SPECS.windows, INTENTS.map((intent) => ({ intent })), (data) => data.windowsByIntent);
    this.countsOf(SPECS.verdicts, VERDICTS.map((verdict) => ({ verdict })), (data) => data.verdicts);
    this.countsOf(SPECS.falseFailures, FAILURE_CAUSES.map(falseFailureLabels), (data) => data.falseFailuresByCause);
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
  private scoresFromBins(s: typeof SPECS.scores): void {
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
    const histogram = new Histogram({ name: s.name, help: s.help, labelNames: s.labels, buckets: [...s.buckets], registers: [this.registry], collect: replay });
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

  /** A labelled counter, one series per label set of `series`, read from the run's counts (in the same order) when scraped. */
  private countsOf(s: HarnessMetricSpec, series: readonly Readonly<Record<string, string>>[], read: (data: MetricsData) => readonly number[]): void {
    const counter: Counter = new Counter({
      name: s.name,
      help: s.help,
      labelNames: [...s.labels],
      registers: [this.registry],
      collect: () => {
        counter.reset();
        const counts = this.run ? read(this.run.data) : undefined;
        series.forEach((labels, index) => counter.inc({ ...labels }, counts?.[index] ?? 0));
      },
    });
  }
}
