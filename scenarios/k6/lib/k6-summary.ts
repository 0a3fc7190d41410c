import { CAUSE_CLASSES, CAUSE_CLASS_OF, FAILURE_CAUSES, type CauseClass } from '../../vocabulary.ts';
import { ERROR_KINDS } from './attempt-outcome.ts';
import { METRICS, SHIFT_TAGS, falseFailureShiftMetric, submetric } from './k6-metrics.ts';
import { sha256Hex } from './sha256.ts';
import type { VerdictName } from './export-format.ts';

/**
 * summary.json of a k6 run, in the results contract of DESIGN.md (mode 'k6'), so that
 * `checkin-sim compare` and the report read it like a drive run's.
 *
 * Outcomes: the export's fault-free expectation (expected-summary.json), with what this run's server
 * did otherwise applied to it: windows whose last scheduled attempt was answered otherwise move
 * between verdicts, false failures between causes (and so between cause classes: `falseFailures.byClass`
 * is summed again from `byCause`), impostor windows in or out of the false accepts; the rates are
 * recomputed (null when nothing to divide by, as the harness's), and the digest too. A run that meets
 * a fault-free server therefore has the expectation's digest. Figures that depend on the whole sequence
 * of a person's windows, or on which day or segment a window belongs to, which a window's label does
 * not carry (escalations with their precision and absconders followed, burden with officer minutes and
 * excused windows, people affected with their classes, segments with theirs, the daily series, scores)
 * stay as scheduled: `load.k6.asScheduled` says so.
 *
 * Load: the same fields as drive mode's `load` (sim/metrics/load-metrics.ts), from the run's Trends and
 * Counters; the per-second timeline is left empty (k6 gives handleSummary totals only; the time series
 * are in Prometheus). `load.k6` adds what only a k6 run has.
 */

/** A fraction, or null when its denominator is zero (sim/metrics/summary.ts). */
type Rate = number | null;

interface ClassFigures {
  total: number;
  rate: Rate;
}

/** The values k6 gives handleSummary for a metric (`data.metrics[name].values`). */
export type MetricValues = Record<string, number>;
export type MetricView = (name: string) => MetricValues | undefined;

export interface SummaryJson {
  scenario: string;
  seed: number;
  mode: string;
  participants: number;
  days: number;
  digest: string;
  windows: { total: number; complied: number; evaded: number; impostor: number };
  verdicts: Record<VerdictName, number>;
  falseFailures: { total: number; rate: Rate; byCause: Record<string, number>; byClass: Record<CauseClass, ClassFigures>; [key: string]: unknown };
  falseAccepts: { total: number; rate: Rate };
  load?: unknown;
  [key: string]: unknown;
}

export interface K6RunContext {
  target: string;
  compression: number;
  /** Scheduled check-in attempts per second for this instance (the whole schedule's × its share). */
  intendedRps: number;
  /** Scheduled attempts that fall to this instance, and to the whole test. */
  scheduledAttempts: number;
  totalAttempts: number;
  segment: string;
  sequence: string;
  /** Threshold results, by metric and expression (k6's `data.metrics[name].thresholds`). */
  thresholds?: Record<string, boolean>;
  droppedIterations?: number;
}

const AS_SCHEDULED = ['escalations', 'burden', 'peopleAffected', 'falseFailures.bySegment', 'daily', 'scores'];

const ms = (value: number | undefined) => Math.round((value ?? 0) * 1000) / 1000;
const ratio = (numerator: number, denominator: number): Rate => (denominator === 0 ? null : numerator / denominator);

/** False failures by class, summed from the counts by cause (a cause outside the vocabulary counts in none). */
function byClassOf(byCause: Record<string, number>, complied: number): Record<CauseClass, ClassFigures> {
  const totals = Object.fromEntries(CAUSE_CLASSES.map((causeClass) => [causeClass, 0])) as Record<CauseClass, number>;
  for (const cause of FAILURE_CAUSES) totals[CAUSE_CLASS_OF[cause]] += byCause[cause] ?? 0;
  return Object.fromEntries(CAUSE_CLASSES.map((causeClass) => [causeClass, { total: totals[causeClass], rate: ratio(totals[causeClass], complied) }])) as Record<CauseClass, ClassFigures>;
}

/** The expectation with this run's shifts applied, its digest recomputed, and the run's load section. */
export function buildK6Summary(expected: SummaryJson, view: MetricView, context: K6RunContext): SummaryJson {
  const base = JSON.parse(JSON.stringify(expected)) as SummaryJson;
  const count = (name: string) => view(name)?.count ?? 0;

  const shifts: Record<string, number> = {};
  for (const tag of SHIFT_TAGS) {
    const n = count(submetric(METRICS.verdictShifts, 'shift', tag));
    if (n === 0) continue;
    shifts[tag] = n;
    const [intent, from, , to] = tag.split('_') as [string, VerdictName, string, VerdictName];
    base.verdicts[from] -= n;
    base.verdicts[to] += n;
    if (intent === 'impostor' && to === 'verified' && from !== 'verified') base.falseAccepts.total += n;
    if (intent === 'impostor' && from === 'verified' && to !== 'verified') base.falseAccepts.total -= n;
  }
  const causeShifts: Record<string, { added: number; removed: number }> = {};
  const { byCause } = base.falseFailures;
  for (const cause of FAILURE_CAUSES) {
    const added = count(falseFailureShiftMetric(cause, 'added'));
    const removed = count(falseFailureShiftMetric(cause, 'removed'));
    if (added === 0 && removed === 0) continue;
    causeShifts[cause] = { added, removed };
    byCause[cause] = (byCause[cause] ?? 0) + added - removed;
  }
  const total = Object.values(byCause).reduce((sum, n) => sum + n, 0);
  // In the contract's order, whatever the expectation's: total, rate, byCause, byClass, then the rest (bySegment).
  const { total: _total, rate: _rate, byCause: _byCause, byClass: _byClass, ...asScheduled } = base.falseFailures;
  base.falseFailures = { total, rate: ratio(total, base.windows.complied), byCause, byClass: byClassOf(byCause, base.windows.complied), ...asScheduled };
  base.falseAccepts.rate = ratio(base.falseAccepts.total, base.windows.impostor);

  const { scenario, seed, participants, days, digest: _digest, load: _load, mode: _mode, ...results } = base;
  const withoutDigest = { scenario, seed, mode: 'k6', participants, days, ...results };

  const latency = view(METRICS.latency) ?? {};
  const attempts = view(METRICS.attempts) ?? {};
  const asExpected = view(METRICS.asExpected) ?? {};
  const errors: Record<string, number> = {};
  for (const kind of [...ERROR_KINDS, 'other']) {
    const n = count(submetric(METRICS.errors, 'kind', kind));
    if (n > 0) errors[kind] = n;
  }
  const load = {
    target: context.target,
    compression: context.compression,
    requests: attempts.count ?? 0,
    intendedRps: Math.round(context.intendedRps),
    achievedRps: Math.round(attempts.rate ?? 0),
    late: count(METRICS.late),
    driverLagMsP99: ms(view(METRICS.sendLag)?.['p(99)']),
    latencyMs: { p50: ms(latency.med), p90: ms(latency['p(90)']), p99: ms(latency['p(99)']), p999: ms(latency['p(99.9)']), max: ms(latency.max) },
    errors,
    timeline: [] as unknown[],
    k6: {
      segment: context.segment,
      sequence: context.sequence,
      scheduledAttempts: context.scheduledAttempts,
      totalAttempts: context.totalAttempts,
      sentAttempts: attempts.count ?? 0,
      notSent: Math.max(0, context.scheduledAttempts - (attempts.count ?? 0)),
      droppedIterations: context.droppedIterations ?? 0,
      spareIterations: count(METRICS.spare),
      answeredAsExpected: asExpected.passes ?? 0,
      answeredOtherwise: asExpected.fails ?? 0,
      scoreMismatches: count(METRICS.scoreMismatches),
      verdictShifts: shifts,
      falseFailureShifts: causeShifts,
      asScheduled: AS_SCHEDULED,
      ...(context.thresholds && { thresholds: context.thresholds }),
      note:
        'The schedule is fixed: a failure is not followed by the retry a person would make, so failures are counted per scheduled attempt and each window is reckoned from its last scheduled attempt. Timeline and cross-instance totals: see Prometheus.',
    },
  };
  return { scenario, seed, mode: 'k6', participants, days, digest: sha256Hex(JSON.stringify(withoutDigest)), ...results, load } as SummaryJson;
}

const percent = (rate: Rate) => (rate === null ? 'n/a' : `${(100 * rate).toFixed(2)} %`);

/** A few lines for the terminal at the end of a k6 run. */
export function textSummary(summary: SummaryJson): string {
  const load = summary.load as { requests: number; achievedRps: number; latencyMs: Record<string, number>; errors: Record<string, number>; k6: { notSent: number; answeredOtherwise: number } };
  const errors = Object.entries(load.errors).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
  const { byClass } = summary.falseFailures;
  const others = CAUSE_CLASSES.filter((causeClass) => causeClass !== 'system').map((causeClass) => `${causeClass} ${byClass[causeClass].total} (${percent(byClass[causeClass].rate)})`);
  return [
    '',
    `checkin-sim k6 run: ${summary.scenario}, seed ${summary.seed}, ${summary.participants} participants × ${summary.days} days`,
    `  attempts sent ${load.requests} (${load.k6.notSent} scheduled but not sent), ${load.achievedRps} req/s`,
    `  latency from the intended instant p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, p99.9 ${load.latencyMs.p999} ms`,
    `  errors: ${errors}; answered otherwise than a fault-free server: ${load.k6.answeredOtherwise}`,
    `  system false failures ${byClass.system.total} (${percent(byClass.system.rate)} of good-faith windows); ${others.join(', ')}; all classes together ${summary.falseFailures.total} (${percent(summary.falseFailures.rate)})`,
    `digest ${summary.digest}`,
    '',
  ].join('\n');
}
