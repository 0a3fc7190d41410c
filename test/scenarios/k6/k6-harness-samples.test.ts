import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DriverMetrics } from '../../../sim/metrics/driver-prometheus.ts';
import { CAUSE_CLASS_OF, FAILURE_CAUSES } from '../../../scenarios/vocabulary.ts';
import { emptyMetrics } from '../../../sim/metrics/shard-metrics.ts';
import { attemptSamples, type Sample } from '../../../scenarios/k6/lib/attempt-samples.ts';
import type { ReplyOutcome } from '../../../scenarios/k6/lib/attempt-outcome.ts';
import type { AttemptLabel } from '../../../scenarios/k6/lib/export-format.ts';
import { HARNESS_METRICS, HARNESS_SPECS } from '../../../scenarios/k6/lib/harness-metric-specs.ts';
import { METRICS } from '../../../scenarios/k6/lib/k6-metrics.ts';
import { K6_HARNESS_METRICS } from '../../../scenarios/k6/lib/k6-harness-metrics.ts';
import {
  harnessAnswerSamples,
  harnessRegistrationSamples,
  harnessSentSamples,
  harnessStandingSamples,
} from '../../../scenarios/k6/lib/harness-samples.ts';

// The samples scenarios/k6/checkin-load.ts records under the harness's names: the names remote write
// gives them, the buckets against the harness's own prom-client histograms, the window reckoning
// against the k6 script's own metrics.

/** What a k6 Counter or Gauge holds after these samples, by series `name{tag="value",…}` (tags sorted). */
function totals(samples: readonly Sample[]): Map<string, number> {
  const types = new Map(K6_HARNESS_METRICS.map((metric) => [metric.name, metric.type]));
  const held = new Map<string, number>();
  for (const sample of samples) {
    const tags = Object.entries(sample.tags ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([tag, value]) => `${tag}="${value}"`);
    const key = `${sample.metric}{${tags.join(',')}}`;
    held.set(key, types.get(sample.metric) === 'gauge' ? Number(sample.value) : (held.get(key) ?? 0) + Number(sample.value));
  }
  return held;
}

/** The `_bucket` lines of an exposition as `le` → count, for the series whose labels include `labels`. */
function bucketsOf(exposition: string, name: string, labels = ''): Map<string, number> {
  const buckets = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`) || !line.includes(labels)) continue;
    buckets.set(/le="([^"]+)"/.exec(line)![1]!, Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return buckets;
}

function k6Buckets(held: Map<string, number>, metric: string, tags = ''): Map<string, number> {
  const buckets = new Map<string, number>();
  for (const [key, value] of held) {
    if (!key.startsWith(`${metric}{`) || !key.includes(tags)) continue;
    buckets.set(/le="([^"]+)"/.exec(key)![1]!, value);
  }
  return buckets;
}

const label = (overrides: Partial<AttemptLabel>): AttemptLabel => ({
  intent: 'complied',
  window: 0,
  attempt: 0,
  modality: 'face',
  expected: 'match',
  similarity: 0.6,
  judgedBefore: 0,
  last: false,
  ...overrides,
});
const match = (similarity: number): ReplyOutcome => ({ outcome: 'judged', judgement: 'match', similarity });
const below = (similarity: number): ReplyOutcome => ({ outcome: 'judged', judgement: 'below_threshold', similarity });
const failed = (errorKind: string): ReplyOutcome => ({ outcome: 'server_error', errorKind });

describe('the harness-named samples of a k6 run', () => {
  it("are named so that remote write gives `k6_` + a harness metric's name, with the harness's types and labels", () => {
    const specs = new Map(HARNESS_METRICS.map((spec) => [spec.name, spec]));
    for (const metric of K6_HARNESS_METRICS) {
      const pushed = metric.type === 'counter' ? `k6_${metric.name}_total` : `k6_${metric.name}`;
      // A histogram's buckets are a k6 Counter, so remote write adds _total to them too.
      expect(pushed, metric.name).toBe(metric.harness.endsWith('_bucket') ? `k6_${metric.harness}_total` : `k6_${metric.harness}`);
      const histogram = specs.get(metric.harness.replace(/_bucket$/, ''));
      const spec = specs.get(metric.harness) ?? histogram;
      expect(spec, metric.harness).toBeDefined();
      expect(metric.type === 'gauge' ? 'gauge' : metric.harness.endsWith('_bucket') ? 'histogram' : 'counter', metric.harness).toBe(spec!.type);
    }
    // Every tag a sample carries is one of its harness metric's labels (le aside).
    const samples = [
      ...harnessSentSamples(20, 10),
      ...harnessAnswerSamples(label({ last: true, windowVerdict: 'verified', windowCause: null }), failed('http_500_injected_fault'), 12),
      ...harnessAnswerSamples(label({ intent: 'impostor', modality: 'voice', expected: 'below_threshold', similarity: -0.1, last: true, windowVerdict: 'rejected', windowCause: 'voice_not_recognised' }), below(-0.1), 5),
      ...harnessRegistrationSamples(false),
      ...harnessStandingSamples(1440, { faceThreshold: 0.325, voiceThreshold: 0.3 }),
    ];
    for (const sample of samples) {
      const metric = K6_HARNESS_METRICS.find((candidate) => candidate.name === sample.metric);
      expect(metric, sample.metric).toBeDefined();
      const spec = specs.get(metric!.harness) ?? specs.get(metric!.harness.replace(/_bucket$/, ''))!;
      for (const tag of Object.keys(sample.tags ?? {})) expect([...spec.labels, ...(spec.type === 'histogram' ? ['le'] : [])], `${sample.metric} ${tag}`).toContain(tag);
    }
  });

  it("fill the latency and lag buckets as the harness's own histograms do, on the same bounds", async () => {
    const harness = new DriverMetrics({ run: 'r', scenario: 's' }, { faceThreshold: 0.325, voiceThreshold: 0.3 });
    harness.begin({ data: emptyMetrics(1), targetUrl: 'http://127.0.0.1:1', compression: 1440, lateAfterMs: 10 });
    const samples = harnessStandingSamples(1440, { faceThreshold: 0.325, voiceThreshold: 0.3 });
    // Values on and around the bounds, and past the last one.
    const lags = [0, 0.5, 0.6, 1, 2.5, 7, 10, 11, 250, 4_000, 5_000, 6_000];
    const latencies = [0.2, 1, 1.1, 2.5, 10, 49, 50, 51, 999, 1_000, 29_999, 30_000, 45_000];
    lags.forEach((lagMs) => {
      harness.sent(1_000, 1_000 + lagMs);
      samples.push(...harnessSentSamples(lagMs, 10));
    });
    latencies.forEach((latencyMs) => {
      harness.answered(1_000, 1_000 + latencyMs);
      samples.push(...harnessAnswerSamples(label({}), match(0.6), latencyMs));
    });
    const exposition = await harness.exposition();
    const held = totals(samples);
    expect(k6Buckets(held, 'checkin_harness_driver_lag_seconds_bucket')).toEqual(bucketsOf(exposition, 'checkin_harness_driver_lag_seconds'));
    expect(k6Buckets(held, 'checkin_harness_request_latency_seconds_bucket')).toEqual(bucketsOf(exposition, 'checkin_harness_request_latency_seconds'));
    expect(bucketsOf(exposition, 'checkin_harness_request_latency_seconds').size).toBe(HARNESS_SPECS.latency.buckets.length + 1);
    expect(held.get('checkin_harness_requests_late{}')).toBe(lags.filter((lag) => lag > 10).length);
    expect(held.get('checkin_harness_requests_sent{}')).toBe(lags.length);
    expect(held.get('checkin_harness_requests_completed{}')).toBe(latencies.length);
  });

  it('fill the score buckets by ground truth and modality as a prom-client histogram on the same bounds does', async () => {
    const registry = new Registry();
    const spec = HARNESS_SPECS.scores;
    const histogram = new Histogram({ name: spec.name, help: spec.help, labelNames: [...spec.labels], buckets: [...spec.buckets], registers: [registry] });
    for (const source of ['genuine', 'impostor']) for (const modality of ['face', 'voice']) histogram.zero({ source, modality });
    const samples = harnessStandingSamples(1440, { faceThreshold: 0.325, voiceThreshold: 0.3 });
    const answers: [AttemptLabel, number][] = [
      [label({ similarity: 0.3 }), 0.3],
      [label({ similarity: 0.31 }), 0.31],
      [label({ modality: 'voice' }), 0.9],
      [label({ intent: 'impostor', expected: 'below_threshold' }), -0.35],
      [label({ intent: 'impostor', expected: 'below_threshold' }), 0.05],
      [label({ intent: 'impostor', modality: 'voice', expected: 'below_threshold' }), 1],
    ];
    for (const [attempt, similarity] of answers) {
      histogram.observe({ source: attempt.intent === 'impostor' ? 'impostor' : 'genuine', modality: attempt.modality }, similarity);
      samples.push(...harnessAnswerSamples(attempt, similarity >= 0.325 ? match(similarity) : below(similarity), 5));
    }
    const exposition = await registry.metrics();
    const held = totals(samples);
    for (const source of ['genuine', 'impostor']) {
      for (const modality of ['face', 'voice']) {
        const tags = `modality="${modality}",source="${source}"`;
        expect(k6Buckets(held, `${spec.name}_bucket`, tags), tags).toEqual(bucketsOf(exposition, spec.name, `source="${source}",modality="${modality}"`));
      }
    }
  });

  it("count errors by their raw kind, as the harness labels them, and a refused registration's", () => {
    const held = totals([...harnessAnswerSamples(label({}), failed('http_503_outage'), 3), ...harnessAnswerSamples(label({}), failed('http_418_teapot'), 3), ...harnessRegistrationSamples(false)]);
    expect(held.get('checkin_harness_request_errors{kind="http_503_outage"}')).toBe(1);
    expect(held.get('checkin_harness_request_errors{kind="http_418_teapot"}')).toBe(1);
    expect(held.get('checkin_harness_request_errors{kind="window_registration"}')).toBe(1);
    expect(harnessRegistrationSamples(true)).toEqual([]);
  });

  it("reckon a window at its last scheduled attempt as the script's own metrics do", () => {
    const cases: [AttemptLabel, ReplyOutcome][] = [
      [label({ last: true, windowVerdict: 'verified', windowCause: null }), match(0.6)],
      [label({ last: true, windowVerdict: 'verified', windowCause: null }), failed('http_500_injected_fault')],
      [label({ last: true, windowVerdict: 'verified', windowCause: null, judgedBefore: 1 }), below(0.2)],
      [label({ last: true, modality: 'voice', expected: 'below_threshold', similarity: 0.2, windowVerdict: 'rejected', windowCause: 'voice_not_recognised' }), below(0.2)],
      [label({ last: true, expected: 'too_late', windowVerdict: 'missed', windowCause: 'server_latency' }), { outcome: 'too_late', errorKind: 'window_closed' }],
      [label({ last: true, intent: 'impostor', expected: 'below_threshold', similarity: 0.1, windowVerdict: 'rejected', windowCause: 'verification_false_reject' }), below(0.1)],
      [label({ last: true, intent: 'impostor', expected: 'below_threshold', similarity: 0.1, windowVerdict: 'rejected', windowCause: 'verification_false_reject' }), match(0.5)],
      [label({ last: false }), failed('timeout')],
    ];
    const harness: Sample[] = [];
    const script: Sample[] = [];
    for (const [attempt, reply] of cases) {
      harness.push(...harnessAnswerSamples(attempt, reply, 5));
      script.push(...attemptSamples(attempt, reply, { latencyMs: 5, lagMs: 0, lateAfterMs: 10, route: '/v1/participants/{id}/checkins' }));
    }
    const held = totals(harness);
    const own = totals(script);
    const sumOf = (map: Map<string, number>, prefix: string, tag: string) => {
      const sums = new Map<string, number>();
      for (const [key, value] of map) {
        if (!key.startsWith(`${prefix}{`)) continue;
        const tagValue = new RegExp(`${tag}="([^"]+)"`).exec(key)![1]!;
        sums.set(tagValue, (sums.get(tagValue) ?? 0) + value);
      }
      return sums;
    };
    expect(sumOf(held, 'checkin_harness_window_verdicts', 'verdict')).toEqual(sumOf(own, METRICS.windowVerdicts, 'verdict'));
    expect(sumOf(held, 'checkin_harness_windows', 'intent')).toEqual(sumOf(own, METRICS.windowVerdicts, 'intent'));
    expect(sumOf(held, 'checkin_harness_false_failures', 'cause')).toEqual(sumOf(own, METRICS.falseFailures, 'cause'));
    expect(sumOf(held, 'checkin_harness_false_failures', 'cause')).toEqual(
      new Map([
        ['server_error', 1],
        ['verification_false_reject', 1],
        ['voice_not_recognised', 1],
        ['server_latency', 1],
      ]),
    );
    expect(held.get('checkin_harness_false_accepts{}')).toBe(1);
    // Each false failure carries its cause's class, in the harness-named series and the script's own.
    for (const map of [held, own]) {
      for (const key of [...map.keys()].filter((name) => name.includes('false_failures{'))) {
        const [, cause, causeClass] = /cause="([^"]+)",class="([^"]+)"/.exec(key)!;
        expect(causeClass, key).toBe(CAUSE_CLASS_OF[cause as keyof typeof CAUSE_CLASS_OF]);
      }
    }
    expect(sumOf(held, 'checkin_harness_false_failures', 'class')).toEqual(new Map([['system', 4]]));
    expect(sumOf(held, 'checkin_harness_false_failures', 'class')).toEqual(sumOf(own, METRICS.falseFailures, 'class'));
  });

  it('stand up the run gauges (compression, both thresholds), the unlabelled counters, every false-failure cause with its class, and every histogram bucket at 0', () => {
    const held = totals(harnessStandingSamples(1440, { faceThreshold: 0.325, voiceThreshold: 0.3 }));
    expect([...held].filter(([key]) => !key.includes('_bucket{'))).toEqual([
      ['checkin_harness_time_compression_ratio{}', 1440],
      ['checkin_harness_verification_threshold{modality="face"}', 0.325],
      ['checkin_harness_verification_threshold{modality="voice"}', 0.3],
      ['checkin_harness_requests_sent{}', 0],
      ['checkin_harness_requests_completed{}', 0],
      ['checkin_harness_requests_late{}', 0],
      ['checkin_harness_false_accepts{}', 0],
      ...FAILURE_CAUSES.map((cause) => [`checkin_harness_false_failures{cause="${cause}",class="${CAUSE_CLASS_OF[cause]}"}`, 0]),
    ]);
    const buckets = [...held].filter(([key]) => key.includes('_bucket{'));
    const { latency, lag, scores } = HARNESS_SPECS;
    expect(buckets).toHaveLength(latency.buckets.length + 1 + lag.buckets.length + 1 + 4 * (scores.buckets.length + 1));
    expect(buckets.every(([, value]) => value === 0)).toBe(true);
  });

  it('reuse the same sample and tag objects from request to request', () => {
    const first = harnessSentSamples(3, 10);
    const second = harnessSentSamples(3, 10);
    expect(first).not.toBe(second);
    first.forEach((sample, index) => expect(sample).toBe(second[index]));
    const errors = [harnessAnswerSamples(label({}), failed('timeout'), 7), harnessAnswerSamples(label({}), failed('timeout'), 7)];
    errors[0]!.forEach((sample, index) => expect(sample).toBe(errors[1]![index]));
  });
});
