import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, type Scenario } from '../../scenarios/index.ts';
import { runSimulation } from '../engine/run-simulation.ts';
import type { ShardWorkers } from '../engine/shard-workers.ts';
import type { DriveMetricsSink } from '../metrics/drive-metrics-sink.ts';
import type { LiveDriverMetrics } from '../metrics/driver-metrics-server.ts';
import type * as RunOutputs from './run-outputs.ts';
import { CliError } from './cli-errors.ts';
import { createProgress } from './progress.ts';
import { DAY_MS } from '../virtual-time.ts';

export interface RunFlags {
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

/** `run`: reads the scenario, runs it in sim or drive mode, and writes its summary, perf figures and report to its output folder. */
export async function runScenarioFile(file: string, flags: RunFlags, shardWorkers: ShardWorkers | undefined): Promise<void> {
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
    if (flags.mode === 'sim') await runSim(scenario, flags, outDir, shardWorkers);
    else {
      await runDriveMode(scenario, flags, outDir, live?.metrics);
      await (await outputModules()).writeRunReportOf(outDir, scenario);
    }
  } finally {
    await live?.finish(flags.metricsLingerS);
  }
}

async function runSim(scenario: Scenario, flags: RunFlags, outDir: string, shardWorkers: ShardWorkers | undefined): Promise<void> {
  const progress = createProgress(scenario.name);
  // With workers the shards start in threads of their own; with one, the fleet runs in this call.
  const fleet = runSimulation(scenario, {
    workers: flags.workers,
    shardWorkers,
    eventsFile: flags.events ? join(outDir, 'events.ndjson') : undefined,
    onProgress: (done, total) => progress.update(done, total),
  });
  // What the outputs need is loaded beside the fleet (preloadOutputs), on a thread that only waits for it.
  const outputs = outputModules().then((modules) => {
    modules.preloadOutputs();
    return modules;
  });
  // Awaited together, so that a failure of either is reported and none is left unhandled.
  const [result, modules] = await Promise.all([fleet, outputs]);
  progress.stop();
  // The study is drawn after the fleet, in a thread of its own when the fleet had workers, while this
  // thread draws the report's charts, which read the fleet's figures alone. Drawn beside the shards, it
  // slowed them for as long as it ran, and the charts after them had one core while the other waited.
  const study = modules.timedStudy(scenario, { workers: Math.max(1, flags.workers - 1), offThread: flags.workers > 1 });
  const fleetSummary = modules.buildSummary(scenario, 'sim', result.metrics);
  const charts = modules.renderRunCharts(asWritten(fleetSummary), modules.runReportOptions(scenario));
  const [{ studies, verificationMs }, drawn] = await Promise.all([study, charts]);
  const summary = await modules.withRareOptimization(async () => {
    const withStudy = modules.addVerificationStudy(scenario, fleetSummary, studies);
    const extra = flags.events ? [`events:  ${join(outDir, 'events.ndjson')} (${result.eventsWritten.toLocaleString('en-US')} events)`] : [];
    modules.writeOutputs(outDir, withStudy, { ...modules.buildPerf(result.metrics, result), verificationMs }, extra);
    return withStudy;
  });
  modules.writeRunReportPage(outDir, asWritten(summary), drawn);
}

/** A summary as summary.json holds it, which is what a report reads (the `report` command reads the file). */
function asWritten<T>(summary: T): T {
  return JSON.parse(JSON.stringify(summary)) as T;
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
  const { timedStudy, addVerificationStudy, buildSummary, buildPerf, writeOutputs } = await outputModules();
  const { studies, verificationMs } = await timedStudy(scenario, { workers: flags.workers });
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

/** The study's, the summary's and the report's modules (run-outputs.ts), loaded once a sim run's fleet is under way. */
function outputModules(): Promise<typeof RunOutputs> {
  return import('./run-outputs.ts');
}

function prepareOutput(outDir: string): void {
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new CliError('CLI_ERR_OUTPUT', `--out ${outDir}: expected a folder that can be created and written (${(error as Error).message})`);
  }
}
