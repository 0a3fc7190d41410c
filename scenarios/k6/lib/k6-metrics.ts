import { FAILURE_CAUSES, INTENTS, VERDICTS, type FailureCause } from '../../vocabulary.ts';
import { ERROR_KINDS } from './attempt-outcome.ts';
import type { AttemptIntent, VerdictName } from './export-format.ts';

/**
 * The custom metrics of the k6 run: their names, tags and thresholds. Prometheus remote write turns
 * them into `k6_<name>` series with these tags; `handleSummary` reads their totals back to build
 * summary.json. k6 gives handleSummary only a metric's overall values and those of the sub-metrics
 * named in thresholds, so every (tag, value) the summary needs has an always-true `count>=0`
 * threshold: that is how its count reaches handleSummary.
 */

export const METRICS = {
  /** Check-in attempts sent, tagged expected (scheduled outcome), outcome (the answer's), modality, intent. */
  attempts: 'checkin_attempts',
  /** Share of attempts answered as a fault-free server would (Rate). */
  asExpected: 'checkin_attempts_as_expected',
  /** Windows reckoned at their last scheduled attempt, tagged verdict and intent. */
  windowVerdicts: 'checkin_window_verdicts',
  /** Good-faith windows that failed at the server, tagged cause and class (client-side failures never reach it). */
  falseFailures: 'checkin_false_failures',
  /** Windows that ended otherwise than scheduled, tagged shift = <intent>_<from>_to_<to>. */
  verdictShifts: 'checkin_verdict_shifts',
  /** Good-faith windows' false failures gained or lost by shifts, tagged shift = added_<cause> or removed_<cause>. */
  falseFailureShifts: 'checkin_false_failure_shifts',
  /** Latency from the scheduled send instant to the answer (ms; no coordinated omission), tagged route. */
  latency: 'checkin_latency_from_intended',
  /** How late each request left after its scheduled instant (ms). */
  sendLag: 'checkin_send_lag',
  /** Requests that left more than lateAfterMs after their instant. */
  late: 'checkin_late_requests',
  /** Failed requests, tagged kind (see ERROR_KINDS) and detail (the raw kind). */
  errors: 'checkin_request_errors',
  /** Whether each check-in request failed (Rate): the error SLO. */
  failed: 'checkin_request_failed',
  /** Judged attempts whose similarity differs from the expectation's by more than 1e-6. */
  scoreMismatches: 'checkin_score_mismatches',
  /** Iterations past the end of the schedule (the spare arrival): they send nothing. */
  spare: 'checkin_spare_iterations',
  /** Windows registered in bulk, tagged ok (whether the server took the batch). */
  registrations: 'checkin_window_registrations',
} as const;

export function submetric(metric: string, tag: string, value: string): string {
  return `${metric}{${tag}:${value}}`;
}

/** The intents of the windows k6 reckons: those that send attempts (an evaded window sends none). */
const ATTEMPT_INTENTS: readonly AttemptIntent[] = INTENTS.filter((intent): intent is AttemptIntent => intent !== 'evaded');

export function shiftTag(intent: AttemptIntent, from: VerdictName, to: VerdictName): string {
  return `${intent}_${from}_to_${to}`;
}

/** Every shift tag value: intent × (from ≠ to, or rejected → rejected with another cause). */
export const SHIFT_TAGS: readonly string[] = ATTEMPT_INTENTS.flatMap((intent) =>
  VERDICTS.flatMap((from) => VERDICTS.filter((to) => to !== from || from === 'rejected').map((to) => shiftTag(intent, from, to))),
);

/** A false-failure shift's tag value (one tag, so that its sub-metric has a single filter). */
export function falseFailureShiftTag(cause: FailureCause, dir: 'added' | 'removed'): string {
  return `${dir}_${cause}`;
}

export function falseFailureShiftMetric(cause: FailureCause, dir: 'added' | 'removed'): string {
  return submetric(METRICS.falseFailureShifts, 'shift', falseFailureShiftTag(cause, dir));
}

/** The sub-metrics whose counts handleSummary needs. */
export function countedSubmetrics(): string[] {
  return [
    ...SHIFT_TAGS.map((value) => submetric(METRICS.verdictShifts, 'shift', value)),
    ...FAILURE_CAUSES.flatMap((cause) => [falseFailureShiftMetric(cause, 'added'), falseFailureShiftMetric(cause, 'removed')]),
    ...ERROR_KINDS.map((kind) => submetric(METRICS.errors, 'kind', kind)),
    submetric(METRICS.errors, 'kind', 'other'),
  ];
}

/** The SLO's thresholds (per k6 instance), and the always-true ones that carry counts to handleSummary. */
export function thresholdsFor(slo: { latencyP99Ms: number; errorRate: number }): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {
    [METRICS.latency]: [`p(99)<${slo.latencyP99Ms}`],
    [METRICS.failed]: [`rate<${slo.errorRate}`],
  };
  for (const name of countedSubmetrics()) thresholds[name] = ['count>=0'];
  return thresholds;
}

/** Trend statistics handleSummary reads (p(99.9) is not among k6's defaults). */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(99)', 'p(99.9)'];
