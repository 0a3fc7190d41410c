import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DriverMetrics } from '../../sim/metrics/driver-prometheus.ts';
import { emptyMetrics } from '../../sim/metrics/shard-metrics.ts';
import { enrol, faceCheckIn, openWindow, postCheckIn, testServer, unitVector } from '../server-stub/server-fixtures.ts';
import { K6_RULES_FILE } from '../../dashboards/k6-recording-rules.ts';
import { promtoolCheckConfig, promtoolCheckMetrics, promtoolCheckRules } from './promtool.ts';

/** Metric names and labels pass `promtool check metrics`, the scrape config `check config` (no skipping: .ci/run installs promtool). */
describe('promtool check metrics', () => {
  it("passes on the server's /metrics", async () => {
    const app = testServer();
    const template = unitVector('p-1');
    const token = await enrol(app, 'p-1', template);
    await openWindow(app, 'p-1', 'w-1');
    await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-1', template, { location: { lat: 1, lon: 2, accuracyM: 3 } }));
    const exposition = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    await app.close();
    expect(exposition).toContain('checkin_attempts_total{');
    expect(exposition).toContain('checkin_location_retention_seconds 2592000');
    const check = promtoolCheckMetrics(exposition);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });

  it("passes on the harness's /metrics, every metric present", async () => {
    const metrics = new DriverMetrics({ run: 'promtool-run', scenario: 'baseline' }, { faceThreshold: 0.325, voiceThreshold: 0.325 });
    const data = emptyMetrics(2);
    data.windowsByIntent[0] = 10;
    data.falseFailuresByCause[2] = 1;
    data.scoreHistograms[140] = 4;
    metrics.begin({ data, targetUrl: 'http://127.0.0.1:1', compression: 1440, lateAfterMs: 10 });
    const now = performance.now();
    metrics.scheduled(now - 1);
    metrics.sent(now - 1, now);
    metrics.answered(now - 1, now + 3, 'http_500_SRV_ERR_INJECTED_FAULT');
    const exposition = await metrics.exposition();
    for (const name of ['checkin_harness_requests_intended_total', 'checkin_harness_false_failures_total', 'checkin_harness_similarity_score_bucket']) {
      expect(exposition).toContain(`${name}{`);
    }
    expect(exposition).toMatch(/^checkin_harness_process_cpu_seconds_total\{run="promtool-run",scenario="baseline"\} /m);
    const check = promtoolCheckMetrics(exposition);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });

  it('passes `promtool check config` on the committed scrape config, its k6 recording rules loaded', () => {
    const check = promtoolCheckConfig(fileURLToPath(new URL('../../dashboards/provisioning/prometheus.yml', import.meta.url)));
    expect(check.output).toContain('SUCCESS: 1 rule files found');
    expect(check.output).toContain('is valid prometheus config file syntax');
    expect(check.status).toBe(0);
  });

  it('passes `promtool check rules` on the k6 recording rules', () => {
    const check = promtoolCheckRules(fileURLToPath(new URL(`../../dashboards/${K6_RULES_FILE}`, import.meta.url)));
    expect(check.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(check.status).toBe(0);
  });
});
