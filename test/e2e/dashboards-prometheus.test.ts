import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/index.ts';
import { startServerProcess, type ServerProcess } from '../../sim/drive/server-process.ts';
import { DAY_MS } from '../../sim/virtual-time.ts';
import { DASHBOARDS } from '../../dashboards/index.ts';
import { CAUSE_CLASSES, CAUSE_CLASS_OF, INTENTS, VERDICTS, type CauseClass, type FailureCause, type Intent, type Verdict } from '../../scenarios/vocabulary.ts';
import { labelVariables, panelQueries } from '../dashboards/dashboard-queries.ts';
import { promtoolCheckMetrics } from './promtool.ts';
import { RATE_INTERVAL, api, capture, committedConfig, labelValues, panelQueryProblem, startPrometheus, waitFor } from './prometheus-process.ts';
import { stopChild } from '../../sim/drive/server-process.ts';

/**
 * End to end, with a real Prometheus: the reference server (with injected faults) and a short drive
 * run with `--metrics-port`, Prometheus on loopback scraping both every second (the harness statically,
 * the server through the harness's /targets, as the committed dashboards/provisioning/prometheus.yml
 * says, its k6 recording rules loaded too), then every PromQL expression of every panel, with the dashboard variables resolved as
 * Grafana would, must return at least one series with a number in it.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUN_SECONDS = 12;

describe('dashboards against a real Prometheus', () => {
  it('every panel query returns data from a drive run scraped by Prometheus', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkin-dashboards-'));
    const children: ChildProcess[] = [];
    let server: ServerProcess | undefined;
    try {
      const scenarioFile = join(dir, 'scenario.yaml');
      writeFileSync(
        scenarioFile,
        stringify({
          extends: join(ROOT, 'scenarios/baseline.yaml'),
          name: 'dashboards-e2e',
          participants: 2_000,
          days: 2,
          seed: 7,
          backend: { errorRate: 0 },
          // Enough impostors in a short run for the false-accept and impostor-score panels, and enough
          // phone reporters (5 % of the fleet by default) for the voice panels.
          behaviour: { impostorPerWindow: 0.05 },
          population: { modality: { app: 3, phone: 1 } },
        }),
      );
      const scenario = loadScenario({ file: scenarioFile });
      const compression = (scenario.days * DAY_MS) / (RUN_SECONDS * 1000);
      server = await startServerProcess(scenario, compression, {
        faults: { errorRate: { checkin: 0.03, call: 0.03 }, latency: { fixedMs: 0, jitterMs: 2 } },
      });

      const drive = spawn(
        process.execPath,
        [
          join(ROOT, 'sim/cli/bin.js'),
          'run',
          scenarioFile,
          '--mode',
          'drive',
          '--compression',
          String(compression),
          '--target',
          server.url,
          '--officer-token',
          server.officerToken,
          '--metrics-port',
          '0',
          '--metrics-linger-s',
          '120',
          '--out',
          join(dir, 'out'),
        ],
        { env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(drive);
      const driveOutput = capture(drive);
      const announced = await waitFor(() => /metrics: (http:\/\/\S+)\/metrics \(run="([^"]+)", scenario="([^"]+)"\)/.exec(driveOutput.stderr), 30_000, () => `drive run: ${driveOutput.stderr}`);
      const [, harnessUrl, runLabel, scenarioLabel] = announced as unknown as [string, string, string, string];
      const startedS = Date.now() / 1000;
      expect(scenarioLabel).toBe('dashboards-e2e');

      // Prometheus: the committed scrape config, pointed at this run's harness port.
      const config = committedConfig();
      const harnessHost = new URL(harnessUrl).host;
      const jobs = new Map(config.scrape_configs.map((job) => [job.job_name, job]));
      expect([...jobs.keys()]).toEqual(['checkin-harness', 'checkin-server']);
      jobs.get('checkin-harness')!.static_configs![0]!.targets = [harnessHost];
      jobs.get('checkin-server')!.http_sd_configs![0]!.url = `${harnessUrl}/targets`;
      const prometheus = await startPrometheus(dir, config);
      children.push(prometheus.child);
      const promUrl = prometheus.url;

      // The run ends (the harness then lingers), and Prometheus gets a last scrape or two of both.
      await waitFor(() => /^digest [0-9a-f]{64}$/m.test(driveOutput.stdout), 60_000, () => `drive run did not finish: ${driveOutput.stderr.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const targets = await api<{ activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] }>(promUrl, '/api/v1/targets', {});
      const health = targets.activeTargets.map((target) => `${target.labels.job}:${target.health}${target.lastError ? ` (${target.lastError})` : ''}`).sort();
      expect(health).toEqual(['checkin-harness:up', 'checkin-server:up']);

      // The variables, resolved as Grafana does (label values of the series they name).
      const variables = labelVariables(DASHBOARDS[0]!.build());
      const scenarios = await labelValues(promUrl, variables.get('scenario')!);
      expect(scenarios).toContain('dashboards-e2e');
      const runs = await labelValues(promUrl, variables.get('run')!, { scenario: 'dashboards-e2e' });
      expect(runs).toEqual([runLabel]);
      const values = { run: runLabel, scenario: 'dashboards-e2e', datasource: 'prometheus', __rate_interval: RATE_INTERVAL };

      const endS = Date.now() / 1000;
      const failures: string[] = [];
      let checked = 0;
      for (const { build } of DASHBOARDS) {
        const dashboard = build();
        for (const query of panelQueries(dashboard)) {
          const problem = await panelQueryProblem(promUrl, query, values, startedS, endS);
          checked++;
          if (problem) failures.push(problem);
        }
      }
      expect(failures).toEqual([]);
      expect(checked).toBeGreaterThan(40);

      // What Prometheus scraped passes promtool, as served live by the harness and the server.
      const harnessText = await (await fetch(`${harnessUrl}/metrics`)).text();
      for (const [url, text] of [[`${harnessUrl}/metrics`, harnessText], [`${server.url}/metrics`, await (await fetch(`${server.url}/metrics`)).text()]] as const) {
        expect(promtoolCheckMetrics(text).output, url).toBe('');
      }

      // Drive mode enrolled every participant with its synthetic personal record (the privacy dashboard's records panels).
      expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^checkin_personal_records 2000$/m);

      // The live figures end where the run's own summary does.
      const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as RunSummary;
      const sample = samples(harnessText);
      expect(sample('checkin_harness_requests_sent_total')).toBe(summary.load.requests);
      expect(sample('checkin_harness_requests_intended_total')).toBe(summary.load.requests);
      expect(sample('checkin_harness_requests_completed_total')).toBe(summary.load.requests);
      expect(sample('checkin_harness_requests_late_total')).toBe(summary.load.late);
      for (const [kind, count] of Object.entries(summary.load.errors)) expect(sample('checkin_harness_request_errors_total', { kind }), kind).toBe(count);
      expect(Object.keys(summary.load.errors).length).toBeGreaterThan(0);
      for (const [cause, count] of Object.entries(summary.falseFailures.byCause)) {
        expect(sample('checkin_harness_false_failures_total', { cause, class: CAUSE_CLASS_OF[cause as FailureCause] }), cause).toBe(count);
      }
      for (const causeClass of CAUSE_CLASSES) expect(sample('checkin_harness_false_failures_total', { class: causeClass }), causeClass).toBe(summary.falseFailures.byClass[causeClass].total);
      for (const intent of INTENTS) expect(sample('checkin_harness_windows_total', { intent }), intent).toBe(summary.windows[intent]);
      for (const verdict of VERDICTS) expect(sample('checkin_harness_window_verdicts_total', { verdict }), verdict).toBe(summary.verdicts[verdict]);
      expect(sample('checkin_harness_false_accepts_total')).toBe(summary.falseAccepts.total);
      expect(sample('checkin_harness_escalations_total')).toBe(summary.escalations.total);
      expect(sample('checkin_harness_false_escalations_total')).toBe(summary.escalations.false);
      expect(summary.windows.impostor).toBeGreaterThan(0);
      process.stdout.write(`dashboards e2e: ${checked} panel queries of ${DASHBOARDS.length} dashboards returned data (run ${runLabel})\n`);
    } finally {
      for (const child of children) await stopChild(child);
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

interface RunSummary {
  windows: Record<Intent, number>;
  verdicts: Record<Verdict, number>;
  falseFailures: { byCause: Record<string, number>; byClass: Record<CauseClass, { total: number }> };
  falseAccepts: { total: number };
  escalations: { total: number; false: number };
  load: { requests: number; late: number; errors: Record<string, number> };
}

/** A reader of one exposition's samples: the sum of `name`'s series with these labels (run and scenario aside), undefined when there is none. */
function samples(text: string): (name: string, labels?: Record<string, string>) => number | undefined {
  const lines = text.split('\n');
  return (name, labels = {}) => {
    const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
    const found = lines.filter((candidate) => candidate.startsWith(`${name}{`) && wanted.every((pair) => candidate.includes(pair)));
    return found.length === 0 ? undefined : found.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  };
}
