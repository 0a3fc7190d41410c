import { CAUSE_CLASSES, CAUSE_CLASS_OF, type CauseClass, type FailureCause } from '../../vocabulary.ts';

/**
 * The harness's Prometheus metrics: names, types, labels, help and histogram bounds. Drive runs expose
 * them (sim/metrics/driver-prometheus.ts) and k6 runs push them (harness-samples.ts); they live in the
 * k6 library because the k6 scripts may import nothing outside it but the shared vocabulary
 * (scenarios/vocabulary.ts). The table of harness metrics in docs/observability.md is the contract, and a
 * test keeps it in step with `HARNESS_METRICS`.
 */

export interface HarnessMetricSpec {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
  readonly help: string;
  /** A histogram's bucket upper bounds (+Inf aside), in the metric's unit. */
  readonly buckets?: readonly number[];
}

const spec = <const T extends HarnessMetricSpec>(value: T): T => value;

export const HARNESS_SPECS = {
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
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    help: 'Time from the intended send instant to the answer, in seconds (no coordinated omission)',
  }),
  lag: spec({
    name: 'checkin_harness_driver_lag_seconds',
    type: 'histogram',
    labels: [],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
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
    labels: ['cause', 'class'],
    help: `Windows answered in good faith but recorded missed or rejected, by the cause of the failure and the cause's class (${CAUSE_CLASSES.join(', ')}; every cause present from 0)`,
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
    // Each bound falls on an edge of the 0.01-wide score bins the harness replays (sim/metrics/shard-metrics.ts).
    buckets: [-0.2, -0.1, 0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    help: 'Similarity of judged samples to the template by ground truth (source: genuine, impostor) and modality (dimensionless; _sum from 0.01-wide bin midpoints)',
  }),
  threshold: spec({
    name: 'checkin_harness_verification_threshold',
    type: 'gauge',
    labels: ['modality'],
    help: "The scenario policy's similarity threshold by modality (face, voice)",
  }),
};

/** Every metric the harness exposes, besides prom-client's default process metrics. */
export const HARNESS_METRICS: readonly HarnessMetricSpec[] = Object.values(HARNESS_SPECS);

/** A false failure's labels: its cause, and whose failure that is (the cause's class); `unknown` for a window without a cause. */
export type FalseFailureLabels = {
  readonly cause: FailureCause | 'unknown';
  readonly class: CauseClass | 'unknown';
};

const CLASS_OF: Readonly<Record<string, CauseClass | undefined>> = CAUSE_CLASS_OF;

export function falseFailureLabels(cause: FailureCause | null): FalseFailureLabels {
  if (cause === null) return { cause: 'unknown', class: 'unknown' };
  return { cause, class: CLASS_OF[cause] ?? 'unknown' };
}
