import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { DriverMetrics, runLabelOf } from '../../../sim/metrics/driver-prometheus.ts';
import { HARNESS_METRICS } from '../../../scenarios/k6/lib/harness-metric-specs.ts';
import { k6RecordingRules } from '../../../dashboards/k6-recording-rules.ts';
import { serveDriverMetrics, serverTargets } from '../../../sim/metrics/driver-metrics-server.ts';
import { emptyMetrics } from '../../../sim/metrics/shard-metrics.ts';
import { CAUSE_CLASS_OF, CAUSE_INDEX, FAILURE_CAUSES } from '../../../scenarios/vocabulary.ts';

const POLICY = { faceThreshold: 0.325, voiceThreshold: 0.3 };

function value(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('harness metrics', () => {
  it('count a scheduled request as intended once its instant has passed, sent or not', async () => {
    const metrics = new DriverMetrics({ run: 'r', scenario: 's' }, POLICY);
    metrics.begin({ data: emptyMetrics(1), targetUrl: 'http://127.0.0.1:1', compression: 1000, lateAfterMs: 10 });
    const now = performance.now();
    metrics.scheduled(now - 50); // already due
    metrics.scheduled(now + 150); // due shortly
    metrics.scheduled(now + 60_000); // due in a minute
    expect(value(await metrics.exposition(), 'checkin_harness_requests_intended_total')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const text = await metrics.exposition();
    expect(value(text, 'checkin_harness_requests_intended_total')).toBe(2);
    expect(value(text, 'checkin_harness_requests_sent_total')).toBe(0);
  });

  it('count sends, late sends, answers, errors by kind, and latency from the intended instant', async () => {
    const metrics = new DriverMetrics({ run: 'r', scenario: 's' }, POLICY);
    metrics.begin({ data: emptyMetrics(1), targetUrl: 'http://127.0.0.1:1', compression: 1000, lateAfterMs: 10 });
    metrics.sent(1_000, 1_005);
    metrics.sent(1_000, 1_020); // late: 20 ms > 10 ms
    metrics.answered(1_000, 1_030);
    metrics.answered(1_000, 3_000, 'timeout');
    metrics.error('window_registration');
    const text = await metrics.exposition();
    expect(value(text, 'checkin_harness_requests_sent_total')).toBe(2);
    expect(value(text, 'checkin_harness_requests_late_total')).toBe(1);
    expect(value(text, 'checkin_harness_requests_completed_total')).toBe(2);
    expect(value(text, 'checkin_harness_requests_in_flight')).toBe(0);
    expect(value(text, 'checkin_harness_request_errors_total', 'kind="timeout"')).toBe(1);
    expect(value(text, 'checkin_harness_request_errors_total', 'kind="window_registration"')).toBe(1);
    expect(value(text, 'checkin_harness_request_latency_seconds_bucket', 'le="0.05"')).toBe(1);
    expect(value(text, 'checkin_harness_request_latency_seconds_sum')).toBeCloseTo(2.03, 6);
    expect(value(text, 'checkin_harness_driver_lag_seconds_bucket', 'le="0.005"')).toBe(1);
    expect(text).toContain('checkin_harness_verification_threshold{modality="voice",run="r",scenario="s"} 0.3');
  });

  it("read the run's counts and score bins when scraped, every cause present from 0 with its class", async () => {
    const metrics = new DriverMetrics({ run: 'r', scenario: 's' }, POLICY);
    const data = emptyMetrics(1);
    metrics.begin({ data, targetUrl: 'http://127.0.0.1:1', compression: 1000, lateAfterMs: 10 });
    const before = await metrics.exposition();
    for (const cause of FAILURE_CAUSES) expect(value(before, 'checkin_harness_false_failures_total', `cause="${cause}",class="${CAUSE_CLASS_OF[cause]}"`), cause).toBe(0);
    data.falseFailuresByCause[CAUSE_INDEX.app_crash] = 3;
    data.falseFailuresByCause[CAUSE_INDEX.battery_dead] = 2;
    data.scoreHistograms[130] = 2; // genuine face, [0.30, 0.31)
    data.scoreHistograms[3 * 200 + 20] = 1; // impostor voice, [-0.80, -0.79)
    let text = await metrics.exposition();
    expect(value(text, 'checkin_harness_false_failures_total', 'cause="app_crash",class="system"')).toBe(3);
    expect(value(text, 'checkin_harness_false_failures_total', 'cause="battery_dead",class="device"')).toBe(2);
    expect(value(text, 'checkin_harness_similarity_score_bucket', 'le="0.3",run="r",scenario="s",source="genuine",modality="face"')).toBe(0);
    expect(value(text, 'checkin_harness_similarity_score_bucket', 'le="0.35",run="r",scenario="s",source="genuine",modality="face"')).toBe(2);
    expect(value(text, 'checkin_harness_similarity_score_count', 'run="r",scenario="s",source="impostor",modality="voice"')).toBe(1);
    data.scoreHistograms[130] = 5;
    text = await metrics.exposition();
    expect(value(text, 'checkin_harness_similarity_score_count', 'run="r",scenario="s",source="genuine",modality="face"')).toBe(5);
  });

  it('name the driven server for Prometheus HTTP service discovery, with the run labels', async () => {
    const metrics = new DriverMetrics({ run: runLabelOf({ name: 'baseline', seed: 42 }, new Date(Date.UTC(2025, 0, 2, 3, 4, 5))), scenario: 'baseline' }, POLICY);
    expect(metrics.labels.run).toBe('baseline-seed42-20250102T030405Z');
    expect(serverTargets(metrics)).toEqual([]);
    metrics.begin({ data: emptyMetrics(1), targetUrl: 'https://checkin.example:8443', compression: 1, lateAfterMs: 10 });
    expect(serverTargets(metrics)).toEqual([
      { targets: ['checkin.example:8443'], labels: { __scheme__: 'https', __metrics_path__: '/metrics', run: 'baseline-seed42-20250102T030405Z', scenario: 'baseline' } },
    ]);
    const endpoint = await serveDriverMetrics(metrics, 0, '127.0.0.1');
    try {
      const sd = await fetch(`${endpoint.url}/targets`);
      expect(sd.headers.get('content-type')).toBe('application/json');
      expect(await sd.json()).toEqual(serverTargets(metrics));
      const exposition = await fetch(`${endpoint.url}/metrics`);
      expect(exposition.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await exposition.text()).toContain('checkin_harness_requests_sent_total{run="baseline-seed42-20250102T030405Z",scenario="baseline"} 0');
      expect((await fetch(`${endpoint.url}/other`)).status).toBe(404);
    } finally {
      await endpoint.close();
    }
  });

  it('are each documented in docs/observability.md, with their type and labels', () => {
    const page = readFileSync(new URL('../../../docs/observability.md', import.meta.url), 'utf8');
    const documented = new Map(
      [...page.matchAll(/^\| `(checkin_harness_[a-z_]+)` \| (counter|gauge|histogram) \| ([^|]*) \|/gm)].map((match) => [match[1]!, `${match[2]} ${match[3]!.trim()}`]),
    );
    const expected = new Map(HARNESS_METRICS.map((spec) => [spec.name, `${spec.type} ${spec.labels.map((label) => `\`${label}\``).join(', ') || '—'}`]));
    expect(documented).toEqual(expected);
  });

  it("say in docs/observability.md whether a k6 run feeds each, as the recording rules do", () => {
    const page = readFileSync(new URL('../../../docs/observability.md', import.meta.url), 'utf8');
    const saysNo = new Map([...page.matchAll(/^\| `(checkin_harness_[a-z_]+)` \|(?:[^|]*\|){3} ([^|]+) \|$/gm)].map((match) => [match[1]!, match[2]!.trim() === 'no']));
    const recorded = new Set(k6RecordingRules().map((rule) => rule.record));
    const notFed = new Map(HARNESS_METRICS.map((spec) => [spec.name, !recorded.has(spec.name) && !recorded.has(`${spec.name}_bucket`)]));
    expect(saysNo).toEqual(notFed);
  });
});
