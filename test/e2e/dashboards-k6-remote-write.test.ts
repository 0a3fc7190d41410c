import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../dashboards/index.ts';
import { K6_RULES_FILE, k6RecordingRules } from '../../dashboards/k6-recording-rules.ts';
import { writeExport } from '../../sim/load-export/write-export.ts';
import { replayExport } from '../../sim/load-export/replay-export.ts';
import { K6_HARNESS_METRICS } from '../../scenarios/k6/lib/k6-harness-metrics.ts';
import { defaultRunLabel, loadOptions, runEnvironment } from '../../scenarios/k6/lib/run-plan.ts';
import { compressionFor, smallScenario } from '../sim/drive/drive-fixtures.ts';
import { labelVariables, panelQueries } from '../dashboards/dashboard-queries.ts';
import { K6RemoteWriteOutput } from './k6-remote-write.ts';
import { RATE_INTERVAL, committedConfig, instantValue, labelValues, panelQueryProblem, startPrometheus } from './prometheus-process.ts';
import { stopChild } from '../../sim/drive/server-process.ts';

/**
 * End to end, a k6 run's series through a real Prometheus: Prometheus on loopback with the remote-write
 * receiver and the committed config's recording rules; an export replayed against the reference
 * server (with injected faults), every answer turned into the samples scenarios/k6/checkin-load.ts
 * records (its lib's functions), pushed every second through the remote-write protocol under k6's
 * names with the script's tags. Then every panel query that reads harness metrics a k6 run feeds,
 * filtered to this run as Grafana would, must return a series with a number in it.
 */

const RUN_SECONDS = 8;
const PUSH_EVERY_MS = 1_000;

/**
 * The harness metrics a k6 run cannot feed (docs/k6.md, "Prometheus remote write"): panel queries that read
 * one of them are left out, and must be exactly `EMPTY_FOR_K6`.
 */
const HARNESS_ONLY: Record<string, string> = {
  checkin_harness_requests_intended_total: 'k6 drops an iteration it has no VU for before the script runs',
  checkin_harness_escalations_total: "follows a person's whole sequence of windows",
  checkin_harness_false_escalations_total: "follows a person's whole sequence of windows",
  checkin_harness_in_person_visits_total: "follows a person's whole sequence of windows",
  checkin_harness_officer_calls_total: "follows a person's whole sequence of windows",
  checkin_harness_nodejs_eventloop_lag_p50_seconds: 'the harness process',
  checkin_harness_nodejs_eventloop_lag_p99_seconds: 'the harness process',
  checkin_harness_process_cpu_seconds_total: 'the harness process',
};
const EMPTY_FOR_K6 = [
  'checkin-sim / Compliance / Escalations so far [A]',
  'checkin-sim / Compliance / Escalations so far [B]',
  'checkin-sim / Compliance / Burden so far [A]',
  'checkin-sim / Compliance / Burden so far [B]',
  'checkin-sim / Harness / Intended, sent and achieved rate [A]',
  'checkin-sim / Harness / Backlog and in flight [A]',
  'checkin-sim / Harness / Driver event-loop lag [A]',
  'checkin-sim / Harness / Driver event-loop lag [B]',
  'checkin-sim / Harness / Driver CPU [A]',
];

describe("dashboards against a k6 run's remote-written series", () => {
  it('every panel query on harness metrics a k6 run feeds returns data through the recording rules', async () => {
    const fed = new Set(k6RecordingRules().map((rule) => rule.record));
    expect(Object.keys(HARNESS_ONLY).filter((name) => fed.has(name))).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'checkin-k6-remote-write-'));
    let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined;
    try {
      // Enough impostors, and a threshold strict enough, for false rejects and impostor scores in a short run.
      const scenario = smallScenario({ participants: 800, seed: 1, 'behaviour.impostorPerWindow': 0.1, 'policy.faceThreshold': 0.45, 'policy.voiceThreshold': 0.45 });
      const exported = writeExport(scenario, { outDir: join(dir, 'export'), compression: compressionFor(scenario, RUN_SECONDS), chunkSize: 1_000 });
      const { manifest } = exported;

      // The committed config's rules and intervals; nothing to scrape: the k6 run pushes.
      const config = committedConfig();
      expect(config.rule_files).toEqual([fileURLToPath(new URL(`../../dashboards/${K6_RULES_FILE}`, import.meta.url))]);
      prometheus = await startPrometheus(dir, { ...config, scrape_configs: [] }, ['--web.enable-remote-write-receiver']);
      const promUrl = prometheus.url;

      // The script's tags: test-wide (run, scenario) and the attempts scenario's (no registration is refused here, so every sample is the attempts scenario's).
      const runLabel = defaultRunLabel(manifest);
      const plan = loadOptions(manifest, runEnvironment({ EXPORT_DIR: exported.outDir, RUN_LABEL: runLabel }));
      const types = new Map(K6_HARNESS_METRICS.map((metric) => [metric.name, metric.type]));
      const output = new K6RemoteWriteOutput(`${promUrl}/api/v1/write`, types, { ...plan.tags, ...plan.scenarios.attempts.tags });
      let pushes = 0;
      const pusher = setInterval(() => void output.push().then((series) => (pushes += series > 0 ? 1 : 0)), PUSH_EVERY_MS);
      const startedS = Date.now() / 1000;
      const replayed = await replayExport(exported.outDir, {
        connections: 256,
        requestTimeoutMs: 10_000,
        lateAfterMs: 10,
        serverOptions: { faults: { errorRate: { checkin: 0.03, call: 0.03 }, latency: { fixedMs: 0, jitterMs: 2 } } },
        onHarnessSamples: (samples) => output.add(samples),
      }).finally(() => clearInterval(pusher));
      await output.push();
      // Two evaluations of the rules after the last push.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const endS = Date.now() / 1000;
      expect(replayed.load.errors.window_registration).toBeUndefined();
      expect(Object.keys(replayed.load.errors).length).toBeGreaterThan(0);
      expect(pushes).toBeGreaterThanOrEqual(3);

      // The variables, resolved as Grafana does: the k6 run is listed as a drive run is.
      const variables = labelVariables(DASHBOARDS[0]!.build());
      expect(await labelValues(promUrl, variables.get('scenario')!)).toEqual([manifest.scenario.name]);
      expect(await labelValues(promUrl, variables.get('run')!, { scenario: manifest.scenario.name })).toEqual([runLabel]);
      const values = { run: runLabel, scenario: manifest.scenario.name, datasource: 'prometheus', __rate_interval: RATE_INTERVAL };

      const failures: string[] = [];
      const empty: string[] = [];
      let checked = 0;
      for (const { build } of DASHBOARDS) {
        for (const query of panelQueries(build())) {
          const read = [...new Set(query.expr.match(/checkin_harness_\w+/g) ?? [])];
          const name = `${query.dashboard} / ${query.panel} [${query.refId}]`;
          if (read.length === 0) continue;
          if (read.some((metric) => metric in HARNESS_ONLY)) {
            empty.push(name);
            continue;
          }
          const unknown = read.filter((metric) => !fed.has(metric));
          if (unknown.length > 0) {
            failures.push(`${name}: reads ${unknown.join(', ')}, neither fed by a k6 run nor harness-only: ${query.expr}`);
            continue;
          }
          const problem = await panelQueryProblem(promUrl, query, values, startedS, endS);
          checked++;
          if (problem) failures.push(problem);
        }
      }
      expect(failures).toEqual([]);
      expect(empty).toEqual(EMPTY_FOR_K6);
      expect(checked).toBeGreaterThan(30);

      // The recorded counters end at the samples' totals, and nothing is left in flight.
      const run = `{run="${runLabel}"}`;
      expect(await instantValue(promUrl, `sum(checkin_harness_requests_sent_total${run})`)).toBe(manifest.counts.attempts);
      expect(await instantValue(promUrl, `sum(checkin_harness_requests_completed_total${run})`)).toBe(manifest.counts.attempts);
      expect(await instantValue(promUrl, `sum(checkin_harness_request_latency_seconds_bucket{run="${runLabel}",le="+Inf"})`)).toBe(manifest.counts.attempts);
      expect(await instantValue(promUrl, `sum(checkin_harness_requests_in_flight${run})`)).toBe(0);
      expect(await instantValue(promUrl, `sum(checkin_harness_request_errors_total${run})`)).toBe(Object.values(replayed.load.errors).reduce((sum, count) => sum + count, 0));
      process.stdout.write(`dashboards k6 e2e: ${checked} panel queries returned data from remote write (${pushes} pushes, run ${runLabel}); ${empty.length} harness-only left out\n`);
    } finally {
      if (prometheus) await stopChild(prometheus.child);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
