import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { loadScenario, type Scenario } from '../../scenarios/index.ts';
import { runSimulation } from '../engine/run-simulation.ts';
import type { DriveMetricsSink } from '../metrics/drive-metrics-sink.ts';
import type { LiveDriverMetrics } from '../metrics/driver-metrics-server.ts';
import { buildPerf, buildSummary, type Perf, type Summary } from '../metrics/summary.ts';
import { formatSummaryTables } from '../report/summary-table.ts';
import { addVerificationStudy, drawStudies } from '../verification/study-summary.ts';
import type { ScoreStudy } from '../verification/score-study.ts';
import { formatStudyLine } from '../verification/study-line.ts';
import { writeRunReportOf } from '../report/run-report.ts';
import { preloadRenderer } from '../report/render-svg.ts';
import { CliError } from './cli-errors.ts';
import { integerFlag, positiveNumberFlag, urlFlag } from '../../scenarios/common/flag-parsers.ts';
import { createProgress } from './progress.ts';
import { DAY_MS } from '../virtual-time.ts';
import { packageFile } from '../runtime/package-files.ts';

export const BASELINE_SCENARIO = packageFile('scenarios/baseline.yaml');

interface RunFlags {
  participants?: number;
  days?: number;
  seed?: number;
  workers: number;
  out?: string;
  events: boolean;
  mode: 'sim' | 'drive';
  compression?: number;
  durationS: number;
  target?: string;
  officerToken?: string;
  connections: number;
  requestTimeoutMs: number;
  lateAfterMs: number;
  maxLagMs: number;
  maxLagForMs: number;
  metricsPort?: number;
  metricsHost: string;
  metricsLingerS: number;
}

export function runCommand(): Command {
  return new Command('run')
    .description('run a scenario: sim mode (in-process server, default) or drive mode (the fleet against a real server over HTTP)')
    .argument('[scenario]', 'scenario file (YAML)', BASELINE_SCENARIO)
    .option('--participants <n>', 'fleet size (overrides the scenario)', integerFlag(1))
    .option('--days <n>', 'length of the period in days (overrides the scenario)', integerFlag(1))
    .option('--seed <n>', 'seed of every random stream (overrides the scenario)', integerFlag(0))
    .addOption(new Option('--mode <mode>', 'sim: in-process server; drive: HTTP against a real server').choices(['sim', 'drive']).default('sim'))
    .addOption(new Option('--workers <n>', 'worker threads (sim mode)').argParser(integerFlag(1)).default(availableParallelism(), 'cores available'))
    .option('--out <dir>', 'output folder (default: out/<scenario>-seed<seed>[-drive])')
    .option('--events', 'also write the ordered event log, events.ndjson (sim mode)', false)
    .option('--compression <factor>', 'drive mode: virtual ms per wall ms (default: the period in --duration-s seconds)', positiveNumberFlag)
    .option('--duration-s <seconds>', 'drive mode: wall seconds the period should take when --compression is not given', positiveNumberFlag, 60)
    .option('--target <url>', 'drive mode: a compatible server to drive instead of starting the reference server in a child process', urlFlag)
    .option('--officer-token <token>', "drive mode with --target: the server's officer token (default: $CHECKIN_OFFICER_TOKEN)")
    .option('--connections <n>', 'drive mode: most HTTP connections open at once (an open model needs rate × latency of them)', integerFlag(1), 512)
    .option('--request-timeout-ms <ms>', 'drive mode: client timeout of a request', integerFlag(1), 10_000)
    .option('--late-after-ms <ms>', 'drive mode: a request sent later than this after its due instant counts as late', integerFlag(0), 10)
    .option('--max-lag-ms <ms>', 'drive mode: stop when the driver stays this far behind its schedule for --max-lag-for-ms', integerFlag(1), 2_000)
    .option('--max-lag-for-ms <ms>', 'drive mode: how long the driver may stay more than --max-lag-ms behind before the run stops', integerFlag(1), 5_000)
    .option('--metrics-port <port>', "drive mode: serve the harness's Prometheus metrics (and /targets, the server to scrape) on this port; 0 picks a free one", integerFlag(0))
    .option('--metrics-host <host>', 'drive mode: interface of --metrics-port', '127.0.0.1')
    .option('--metrics-linger-s <seconds>', 'drive mode: keep --metrics-port up this long after the run, so the last counts get scraped', integerFlag(0), 0)
    .action(async (file: string, flags: RunFlags) => {
      const overrides: Record<string, unknown> = {};
      if (flags.participants !== undefined) overrides.participants = flags.participants;
      if (flags.days !== undefined) overrides.days = flags.days;
      if (flags.seed !== undefined) overrides.seed = flags.seed;
      const scenario = loadScenario({ file, overrides });
      if (flags.mode === 'drive' && flags.events) throw new CliError('CLI_ERR_USAGE', '--events: expected sim mode; drive mode does not write an event log');
      const outDir = flags.out ?? join('out', `${scenario.name}-seed${scenario.seed}${flags.mode === 'drive' ? '-drive' : ''}`);
      if (flags.mode === 'sim' && flags.metricsPort !== undefined) throw new CliError('CLI_ERR_USAGE', '--metrics-port: expected drive mode; a sim run has no live load to watch');
      prepareOutput(outDir);
      const live = flags.mode === 'drive' ? await startMetrics(scenario, flags) : undefined;
      try {
        if (flags.mode === 'sim') await runSim(scenario, flags, outDir);
        else await runDriveMode(scenario, flags, outDir, live?.metrics);
        await writeRunReportOf(outDir, scenario);
      } finally {
        await live?.finish(flags.metricsLingerS);
      }
    });
}

async function runSim(scenario: Scenario, flags: RunFlags, outDir: string): Promise<void> {
  const progress = createProgress(scenario.name);
  // With workers the shards start in threads of their own; with one, the fleet runs in this call.
  const fleet = runSimulation(scenario, {
    workers: flags.workers,
    eventsFile: flags.events ? join(outDir, 'events.ndjson') : undefined,
    onProgress: (done, total) => progress.update(done, total),
  });
  // The study is drawn in this thread, beside the shards (or after the fleet), and Vega loaded after it,
  // before the report: threads of the study's own would each cost their start-up and their own
  // compilation of its hot code (a 125k run on two workers took 3.85 s of CPU with them, 3.72 without).
  const study = timedStudy(scenario, 1).finally(preloadRenderer);
  // Awaited together, so that a failure of either is reported and none is left unhandled.
  const [result, { studies, verificationMs }] = await Promise.all([fleet, study]);
  progress.stop();
  const summary = addVerificationStudy(scenario, buildSummary(scenario, 'sim', result.metrics), studies);
  const extra = flags.events ? [`events:  ${join(outDir, 'events.ndjson')} (${result.eventsWritten.toLocaleString('en-US')} events)`] : [];
  writeOutputs(outDir, summary, { ...buildPerf(result.metrics, result), verificationMs }, extra);
}

async function runDriveMode(scenario: Scenario, flags: RunFlags, outDir: string, metricsSink?: DriveMetricsSink): Promise<void> {
  const compression = flags.compression ?? (scenario.days * DAY_MS) / (flags.durationS * 1000);
  const officerToken = flags.officerToken ?? process.env.CHECKIN_OFFICER_TOKEN;
  if (flags.target !== undefined && officerToken === undefined) {
    throw new CliError('CLI_ERR_USAGE', "--officer-token: expected the target server's officer token with --target (or $CHECKIN_OFFICER_TOKEN)");
  }
  const progress = createProgress(`${scenario.name} (drive ×${Math.round(compression)})`, 'virtual hours');
  // Drive mode's modules (HTTP client, HDR histograms, faker) are loaded only for a drive run: a sim run starts without them.
  const { runDrive } = await import('../drive/run-drive.ts');
  const result = await runDrive(scenario, {
    ...(metricsSink && { metricsSink }),
    compression,
    ...(flags.target !== undefined && { target: { url: flags.target, officerToken: officerToken! } }),
    connections: flags.connections,
    requestTimeoutMs: flags.requestTimeoutMs,
    lateAfterMs: flags.lateAfterMs,
    maxLagMs: flags.maxLagMs,
    maxLagForMs: flags.maxLagForMs,
    onProgress: (live) =>
      progress.update(
        Math.floor(live.virtualDone / 3_600_000),
        Math.ceil(live.virtualTotal / 3_600_000),
        `${Math.round(live.requestsPerSecond)} req/s, p99 ${live.p99Ms.toFixed(1)} ms, false failures ${live.falseFailures} of ${live.compliedWindows}`,
      ),
  });
  progress.stop();
  const { studies, verificationMs } = await timedStudy(scenario, flags.workers);
  const summary = addVerificationStudy(scenario, buildSummary(scenario, 'drive', result.metrics, result.load), studies);
  const perf = { ...buildPerf(result.metrics, { wallMs: result.wallMs, peakRssMb: process.resourceUsage().maxRSS / 1024, workers: 1 }), verificationMs };
  const extra = result.abortedBy ? [`PARTIAL RESULTS: the run stopped early. ${result.abortedBy.message}`] : [];
  writeOutputs(outDir, summary, perf, extra);
  if (result.abortedBy) throw result.abortedBy;
}

/** `--metrics-port`: the harness's metrics, labelled with this run, served from before the run starts. */
async function startMetrics(scenario: Scenario, flags: RunFlags): Promise<LiveDriverMetrics | undefined> {
  if (flags.metricsPort === undefined) return undefined;
  const { DriverMetrics, runLabelOf } = await import('../metrics/driver-prometheus.ts');
  const { startLiveDriverMetrics } = await import('../metrics/driver-metrics-server.ts');
  const metrics = new DriverMetrics({ run: runLabelOf(scenario, new Date()), scenario: scenario.name }, scenario.policy);
  try {
    const live = await startLiveDriverMetrics(metrics, flags.metricsPort, flags.metricsHost);
    process.stderr.write(`metrics: ${live.endpoint.url}/metrics (run="${metrics.labels.run}", scenario="${metrics.labels.scenario}"); server targets: ${live.endpoint.url}/targets\n`);
    return live;
  } catch (error) {
    throw new CliError('CLI_ERR_INVALID_FLAG', `--metrics-port ${flags.metricsPort}: expected a port free to listen on at ${flags.metricsHost} (${(error as Error).message})`);
  }
}

/** The scenario's verification study and its wall time (`verificationMs` in perf.json). */
async function timedStudy(scenario: Scenario, workers: number): Promise<{ studies: Map<string, ScoreStudy>; verificationMs: number }> {
  const started = performance.now();
  const studies = await drawStudies([scenario], workers);
  return { studies, verificationMs: Math.round(performance.now() - started) };
}

function writeOutputs(outDir: string, summary: Summary, perf: Perf, extraLines: string[]): void {
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(outDir, 'perf.json'), `${JSON.stringify(perf, null, 2)}\n`);
  const lines = [
    formatSummaryTables(summary, perf),
    ...(summary.verification ? [formatStudyLine(summary.verification)] : []),
    `summary: ${join(outDir, 'summary.json')}`,
    ...extraLines,
    ...(summary.verification ? [`verification digest ${summary.verification.digest}`] : []),
    `digest ${summary.digest}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function prepareOutput(outDir: string): void {
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new CliError('CLI_ERR_OUTPUT', `--out ${outDir}: expected a folder that can be created and written (${(error as Error).message})`);
  }
}

