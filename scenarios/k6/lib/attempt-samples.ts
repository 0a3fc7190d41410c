import { answeredAsExpected, errorKindTag, outcomeName, reckonWindow, type ReplyOutcome } from './attempt-outcome.ts';
import { METRICS, falseFailureShiftTag, shiftTag, submetric } from './k6-metrics.ts';
import { falseFailureLabels } from './harness-metric-specs.ts';
import type { AttemptLabel } from './export-format.ts';
import type { MetricValues } from './k6-summary.ts';

/**
 * The metric samples one answered request gives: the k6 script adds them to its Counters, Rates and
 * Trends; the harness's replay adds them to `SampleTotals`, which answers handleSummary's questions
 * the way k6 would, so both build summary.json from the same samples.
 */

export interface Sample {
  metric: string;
  value: number | boolean;
  tags?: Record<string, string>;
}

export interface AttemptTiming {
  /** From the scheduled instant to the answer, and to the send. */
  latencyMs: number;
  lagMs: number;
  lateAfterMs: number;
  route: string;
}

/** A similarity this far from the expectation's means the server scores otherwise. */
const SCORE_TOLERANCE = 1e-6;

export function attemptSamples(label: AttemptLabel, reply: ReplyOutcome, timing: AttemptTiming): Sample[] {
  const samples: Sample[] = [
    { metric: METRICS.attempts, value: 1, tags: { expected: label.expected, outcome: outcomeName(reply), modality: label.modality, intent: label.intent } },
    { metric: METRICS.latency, value: timing.latencyMs, tags: { route: timing.route } },
    { metric: METRICS.sendLag, value: timing.lagMs },
    { metric: METRICS.asExpected, value: answeredAsExpected(label, reply) },
    { metric: METRICS.failed, value: reply.outcome !== 'judged' },
  ];
  if (timing.lagMs > timing.lateAfterMs) samples.push({ metric: METRICS.late, value: 1 });
  if (reply.outcome !== 'judged') samples.push({ metric: METRICS.errors, value: 1, tags: { kind: errorKindTag(reply.errorKind), detail: reply.errorKind } });
  if (reply.outcome === 'judged' && label.similarity !== undefined && Math.abs(reply.similarity - label.similarity) > SCORE_TOLERANCE) {
    samples.push({ metric: METRICS.scoreMismatches, value: 1 });
  }
  if (!label.last) return samples;

  const window = reckonWindow(label, reply);
  samples.push({ metric: METRICS.windowVerdicts, value: 1, tags: { verdict: window.verdict, intent: label.intent } });
  if (label.intent === 'complied' && window.verdict !== 'verified') samples.push({ metric: METRICS.falseFailures, value: 1, tags: falseFailureLabels(window.cause) });
  const { shift } = window;
  if (shift) {
    samples.push({ metric: METRICS.verdictShifts, value: 1, tags: { shift: shiftTag(label.intent, shift.from, shift.to) } });
    if (label.intent === 'complied' && shift.from !== 'verified' && shift.fromCause !== null) {
      samples.push({ metric: METRICS.falseFailureShifts, value: 1, tags: { shift: falseFailureShiftTag(shift.fromCause, 'removed') } });
    }
    if (label.intent === 'complied' && shift.to !== 'verified' && shift.toCause !== null) {
      samples.push({ metric: METRICS.falseFailureShifts, value: 1, tags: { shift: falseFailureShiftTag(shift.toCause, 'added') } });
    }
  }
  return samples;
}

/** A bulk window registration's samples. */
export function registrationSamples(windows: number, ok: boolean): Sample[] {
  const samples: Sample[] = [{ metric: METRICS.registrations, value: windows, tags: { ok: String(ok) } }];
  if (!ok) samples.push({ metric: METRICS.errors, value: 1, tags: { kind: 'window_registration', detail: 'window_registration' } });
  return samples;
}

const TREND_METRICS: ReadonlySet<string> = new Set([METRICS.latency, METRICS.sendLag]);
const RATE_METRICS: ReadonlySet<string> = new Set([METRICS.asExpected, METRICS.failed]);

/**
 * Totals of samples, read back as k6 gives them to handleSummary: Counters {count, rate}, Rates
 * {rate, passes, fails}, Trends {med, p(90), p(99), p(99.9), max, min, avg}; for a metric or a
 * sub-metric `name{tag:value}`.
 */
export class SampleTotals {
  private readonly counts = new Map<string, number>();
  private readonly passes = new Map<string, number>();
  private readonly values = new Map<string, number[]>();

  constructor(private readonly durationS: () => number = () => 1) {}

  add(sample: Sample): void {
    const keys = [sample.metric, ...Object.entries(sample.tags ?? {}).map(([tag, value]) => submetric(sample.metric, tag, value))];
    for (const key of keys) {
      if (TREND_METRICS.has(sample.metric)) {
        let list = this.values.get(key);
        if (!list) this.values.set(key, (list = []));
        list.push(Number(sample.value));
      } else if (RATE_METRICS.has(sample.metric)) {
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        if (sample.value === true) this.passes.set(key, (this.passes.get(key) ?? 0) + 1);
      } else {
        this.counts.set(key, (this.counts.get(key) ?? 0) + Number(sample.value));
      }
    }
  }

  view(name: string): MetricValues | undefined {
    const metric = name.replace(/\{.*$/, '');
    if (TREND_METRICS.has(metric)) {
      const list = this.values.get(name);
      if (!list || list.length === 0) return undefined;
      const sorted = [...list].sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
      return {
        avg: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
        min: sorted[0]!,
        med: at(0.5),
        max: sorted[sorted.length - 1]!,
        'p(90)': at(0.9),
        'p(99)': at(0.99),
        'p(99.9)': at(0.999),
      };
    }
    const count = this.counts.get(name);
    if (count === undefined) return undefined;
    if (RATE_METRICS.has(metric)) {
      const passes = this.passes.get(name) ?? 0;
      return { rate: count === 0 ? 0 : passes / count, passes, fails: count - passes };
    }
    return { count, rate: count / Math.max(1e-9, this.durationS()) };
  }
}
