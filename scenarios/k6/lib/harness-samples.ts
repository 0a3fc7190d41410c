import { FAILURE_CAUSES, type FailureCause, type SampleModality } from '../../vocabulary.ts';
import { reckonWindow, type ReplyOutcome } from './attempt-outcome.ts';
import { HARNESS_SPECS, falseFailureLabels } from './harness-metric-specs.ts';
import { K6_HARNESS, type K6HarnessMetric } from './k6-harness-metrics.ts';
import type { Sample } from './attempt-samples.ts';
import type { AttemptLabel } from './export-format.ts';

/**
 * The harness metrics a k6 run feeds, under names that remote write turns into `k6_` + the harness
 * name. k6's experimental-prometheus-rw output names a Counter `k6_<name>_total` and a Gauge
 * `k6_<name>` (https://grafana.com/docs/k6/latest/results-output/real-time/prometheus-remote-write/,
 * "Metrics mapping"), so a harness counter is a k6 Counter named without `_total`, a gauge a k6 Gauge
 * of the same name, and a histogram its cumulative `<name>_bucket` series: a k6 Counter tagged `le`
 * (pushed as `k6_<name>_bucket_total`), on the harness's own bounds, to which an observation adds 1
 * in every bucket at or above it. The recording rules that record each pushed series under its
 * harness name are generated from `K6_HARNESS_METRICS` (k6-harness-metrics.ts, read by
 * dashboards/k6-recording-rules.ts).
 *
 * Not fed, for a k6 run cannot know them (docs/k6.md, "Prometheus remote write"): the intended count
 * (k6 drops an iteration it has no VU for before the script sees it), escalations and burden (they
 * follow a person's whole sequence of windows), and the harness process's own metrics. In flight is
 * not a k6 metric either: a recording rule takes it as sent − completed, as the harness does.
 *
 * Every sample and tag object is made once and shared: a request costs only the array it returns.
 */

/**
 * How often each VU records the standing samples again: remote write pushes only the series sampled
 * since its last push, and Prometheus answers with a series for 5 minutes after its last sample.
 */
export const STANDING_SAMPLES_EVERY_MS = 60_000;

/** The sample of one metric for each value of a key, tagged `tagsOf(key)`, made on first use. */
function taggedSample<K extends string>(metric: K6HarnessMetric, tagsOf: (key: K) => Record<string, string>): (key: K) => Sample {
  const made = new Map<K, Sample>();
  return (key) => {
    let sample = made.get(key);
    if (sample === undefined) made.set(key, (sample = { metric: metric.name, value: 1, tags: tagsOf(key) }));
    return sample;
  };
}

/** A histogram's cumulative buckets: the sample of each bound, then +Inf. */
class CumulativeBuckets {
  private readonly buckets: readonly Sample[];
  /** 0 added to every bucket, so that each exists before anything falls in it. */
  readonly empty: readonly Sample[];

  constructor(
    metric: K6HarnessMetric,
    private readonly bounds: readonly number[],
    tags: Record<string, string> = {},
  ) {
    this.buckets = [...bounds.map(String), '+Inf'].map((le) => ({ metric: metric.name, value: 1, tags: { ...tags, le } }));
    this.empty = this.buckets.map((bucket) => ({ ...bucket, value: 0 }));
  }

  /** Adds to `into` every bucket whose bound is at or above `value`. */
  observe(value: number, into: Sample[]): void {
    let first = 0;
    while (first < this.bounds.length && value > this.bounds[first]!) first++;
    for (let index = first; index < this.buckets.length; index++) into.push(this.buckets[index]!);
  }
}

const SENT: Sample = { metric: K6_HARNESS.sent.name, value: 1 };
const COMPLETED: Sample = { metric: K6_HARNESS.completed.name, value: 1 };
const LATE: Sample = { metric: K6_HARNESS.late.name, value: 1 };
const FALSE_ACCEPT: Sample = { metric: K6_HARNESS.falseAccepts.name, value: 1 };
const LAG = new CumulativeBuckets(K6_HARNESS.lag, HARNESS_SPECS.lag.buckets);
const LATENCY = new CumulativeBuckets(K6_HARNESS.latency, HARNESS_SPECS.latency.buckets);
const scoreBuckets = (source: string): Record<SampleModality, CumulativeBuckets> => ({
  face: new CumulativeBuckets(K6_HARNESS.scores, HARNESS_SPECS.scores.buckets, { source, modality: 'face' }),
  voice: new CumulativeBuckets(K6_HARNESS.scores, HARNESS_SPECS.scores.buckets, { source, modality: 'voice' }),
});
const SCORES = { genuine: scoreBuckets('genuine'), impostor: scoreBuckets('impostor') };
const errorOf = taggedSample(K6_HARNESS.errors, (kind: string) => ({ kind }));
const windowOf = taggedSample(K6_HARNESS.windows, (intent: string) => ({ intent }));
const verdictOf = taggedSample(K6_HARNESS.verdicts, (verdict: string) => ({ verdict }));
/** Tagged with the cause and its class, as the harness labels them. */
const falseFailureOf = taggedSample(K6_HARNESS.falseFailures, (cause: FailureCause | 'unknown') => falseFailureLabels(cause === 'unknown' ? null : cause));

/** As a check-in request leaves, `lagMs` after its intended instant. */
export function harnessSentSamples(lagMs: number, lateAfterMs: number): Sample[] {
  const samples = [SENT];
  LAG.observe(lagMs / 1000, samples);
  if (lagMs > lateAfterMs) samples.push(LATE);
  return samples;
}

/**
 * When its answer (or failure) arrives, `latencyMs` after its intended instant: the error by its raw
 * kind (as the harness labels it), the score by ground truth, and on the window's last scheduled
 * attempt the window as k6 reckons it (the same reckoning as `checkin_window_verdicts`).
 */
export function harnessAnswerSamples(label: AttemptLabel, reply: ReplyOutcome, latencyMs: number): Sample[] {
  const samples = [COMPLETED];
  LATENCY.observe(latencyMs / 1000, samples);
  if (reply.outcome === 'judged') SCORES[label.intent === 'impostor' ? 'impostor' : 'genuine'][label.modality].observe(reply.similarity, samples);
  else samples.push(errorOf(reply.errorKind));
  if (!label.last) return samples;

  const window = reckonWindow(label, reply);
  samples.push(windowOf(label.intent), verdictOf(window.verdict));
  if (label.intent === 'complied' && window.verdict !== 'verified') samples.push(falseFailureOf(window.cause ?? 'unknown'));
  if (label.intent === 'impostor' && window.verdict === 'verified') samples.push(FALSE_ACCEPT);
  return samples;
}

const NO_SAMPLES: readonly Sample[] = [];

/** A bulk window registration: only a refused one counts, as an error of kind window_registration. */
export function harnessRegistrationSamples(ok: boolean): readonly Sample[] {
  return ok ? NO_SAMPLES : [errorOf('window_registration')];
}

/**
 * The samples that keep series standing whatever the requests: the run's gauges (its time compression,
 * the policy's thresholds), and 0 added to the unlabelled counters, to the false failures of every
 * cause (with its class) and to every histogram bucket, which the harness exposes from 0 too. For the
 * false failures it means every cause class has a series, so a class rate reads 0 rather than nothing;
 * for the buckets, histogram_quantile interpolates within the lowest bucket it finds, from 0 when that
 * bucket's empty lower neighbour is missing.
 */
export function harnessStandingSamples(compression: number, policy: { faceThreshold: number; voiceThreshold: number }): Sample[] {
  return [
    { metric: K6_HARNESS.compression.name, value: compression },
    { metric: K6_HARNESS.threshold.name, value: policy.faceThreshold, tags: { modality: 'face' } },
    { metric: K6_HARNESS.threshold.name, value: policy.voiceThreshold, tags: { modality: 'voice' } },
    ...[SENT, COMPLETED, LATE, FALSE_ACCEPT, ...FAILURE_CAUSES.map(falseFailureOf)].map((counter) => ({ ...counter, value: 0 })),
    ...[LAG, LATENCY, SCORES.genuine.face, SCORES.genuine.voice, SCORES.impostor.face, SCORES.impostor.voice].flatMap((histogram) => histogram.empty),
  ];
}
