import { performance } from 'node:perf_hooks';
import { ShardMetrics, type MetricsData } from '../metrics/shard-metrics.ts';
import { LoadRecorder, type LoadSummary } from '../metrics/load-metrics.ts';
import type { DriveMetricsSink } from '../metrics/drive-metrics-sink.ts';
import { HttpBackend } from '../backends/http.ts';
import { DAY_MS } from '../virtual-time.ts';
import { checkClockFactor, startClock, type DriveClock } from './drive-clock.ts';
import { DriveError } from '../backends/drive-errors.ts';
import { DriveLives } from './drive-lives.ts';
import { DriveTraffic, type Due } from './drive-traffic.ts';
import { enrolFleet } from './enrol-fleet.ts';
import { OpenModelSender, type FellBehind } from './open-model-sender.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import type { ServerOptionsInput } from '../../server-stub/options.ts';
import type { Scenario } from '../../scenarios/schema.ts';

export interface DriveOptions {
  /** Virtual ms per wall ms. */
  compression: number;
  /** A compatible server to drive; without it, the reference server runs in a child process. */
  target?: { url: string; officerToken: string };
  connections: number;
  requestTimeoutMs: number;
  /** A request dispatched later than this after its due instant counts as late. */
  lateAfterMs: number;
  /** The run stops (DRV_ERR_CANNOT_KEEP_UP) once the driver has been this far behind for `maxLagForMs`. */
  maxLagMs: number;
  maxLagForMs: number;
  /** Options for the child server (faults, overload limits), merged into its config. */
  serverOptions?: ServerOptionsInput;
  /**
   * Drive only this span of the period (virtual ms, [from, to)): attempts before it are answered by
   * the in-process server, so that lives reach it in the state they would have; none after it is sent.
   */
  slice?: { from: number; to: number };
  onProgress?: (progress: DriveProgress) => void;
  /** Called with each attempt's due and answer instants (wall ms), e.g. for a test to inspect every latency. */
  onAnswer?: (dueWallMs: number, answeredWallMs: number, errorKind?: string) => void;
  /** Live metrics (e.g. `--metrics-port`): told of every request as the load recorder is. */
  metricsSink?: DriveMetricsSink;
}

interface DriveProgress {
  virtualDone: number;
  virtualTotal: number;
  requestsPerSecond: number;
  p99Ms: number;
  falseFailures: number;
  compliedWindows: number;
}

export interface DriveResult {
  metrics: MetricsData;
  load: LoadSummary;
  wallMs: number;
  /** Set when the run stopped early; the figures are partial. */
  abortedBy?: DriveError;
}

/**
 * Drive mode: the fleet's lives run against a real server over HTTP, on an open model. Every request
 * is sent at the wall instant its virtual time maps to, whether earlier ones have been answered or
 * not; latency is measured from that intended instant. A participant's next attempt still waits for
 * the answer to its previous one, as a person would.
 */
export async function runDrive(scenario: Scenario, options: DriveOptions): Promise<DriveResult> {
  const started = performance.now();
  let server: ServerProcess | undefined;
  let backend: HttpBackend | undefined;
  try {
    server = options.target ? undefined : await startServerProcess(scenario, options.compression, options.serverOptions, options.slice?.from ?? 0);
    const target = options.target ?? { url: server!.url, officerToken: server!.officerToken };
    backend = new HttpBackend(target.url, target.officerToken, { connections: options.connections, requestTimeoutMs: options.requestTimeoutMs });
    return await drive(scenario, options, backend, target.url, server ? `reference server (child process) ${target.url}` : target.url, started);
  } catch (error) {
    if (!(error instanceof DriveError)) throw error;
    // Nothing was driven: report the failure with empty figures rather than no file at all.
    const load = new LoadRecorder(started, options.lateAfterMs).summary(options.target?.url ?? 'reference server (child process)', options.compression);
    return { metrics: new ShardMetrics(scenario.days).data, load: { ...load, aborted: error.message }, wallMs: performance.now() - started, abortedBy: error };
  } finally {
    await backend?.close();
    await server?.stop();
  }
}

async function drive(scenario: Scenario, options: DriveOptions, backend: HttpBackend, targetUrl: string, targetLabel: string, started: number): Promise<DriveResult> {
  const { compression, metricsSink: sink } = options;
  await backend.serverNow();
  const lives = new DriveLives(scenario, options.slice);
  const firstAttempts = lives.start();
  const tokens = await enrolFleet(backend, scenario, lives.fleet.population);
  await checkClockFactor(backend, compression, '--compression');
  const clock = await startClock(backend, compression, lives.clockOrigin(compression));
  const metrics = lives.fleet.metrics.data;
  sink?.begin({ data: metrics, targetUrl, compression, lateAfterMs: options.lateAfterMs });

  const recorder = new LoadRecorder(clock.wallAtOrigin, options.lateAfterMs);
  const span = { from: lives.slice.from, to: Math.min(lives.slice.to, scenario.days * DAY_MS) };
  const { onProgress } = options;
  const report = onProgress && (() => onProgress(progressOf(clock, span, recorder, metrics)));
  const sender = new OpenModelSender<Due>({ wallAt: (virtual) => clock.wallAt(virtual), maxLag: { maxLagMs: options.maxLagMs, maxLagForMs: options.maxLagForMs }, onTick: report });
  const traffic = new DriveTraffic({ scenario, lives, backend, tokens, clock, sender, recorder, sink, onAnswer: options.onAnswer });
  traffic.scheduleStart(lives.windowsInSlice(), firstAttempts);

  const fellBehind = await sender.send(traffic.fire);
  const abortedBy = fellBehind && cannotKeepUp(fellBehind, options, recorder.summary(targetLabel, compression).driverLagMsP99);
  if (abortedBy) traffic.stop();
  await sender.drain(options.requestTimeoutMs);
  lives.fleet.caseloads.settle();
  report?.();
  const load = recorder.summary(targetLabel, compression);
  return {
    metrics,
    load: abortedBy ? { ...load, aborted: abortedBy.message } : load,
    wallMs: performance.now() - started,
    ...(abortedBy && { abortedBy }),
  };
}

function cannotKeepUp(fellBehind: FellBehind, options: DriveOptions, lagP99Ms: number): DriveError {
  return new DriveError(
    'DRV_ERR_CANNOT_KEEP_UP',
    `at compression ${options.compression} the driver has been more than ${options.maxLagMs} ms behind its schedule for ${Math.round(fellBehind.forMs)} ms (lag now ${Math.round(fellBehind.lagMs)} ms, p99 so far ${lagP99Ms} ms); lower --compression or the fleet size`,
  );
}

function progressOf(clock: DriveClock, span: { from: number; to: number }, recorder: LoadRecorder, metrics: MetricsData): DriveProgress {
  const live = recorder.live();
  return {
    virtualDone: Math.min(span.to, Math.max(span.from, clock.virtualNow())) - span.from,
    virtualTotal: span.to - span.from,
    requestsPerSecond: live.requests / Math.max(1e-3, (performance.now() - clock.wallAtOrigin) / 1000),
    p99Ms: live.p99Ms,
    falseFailures: metrics.falseFailuresByCause.reduce((sum, count) => sum + count, 0),
    compliedWindows: metrics.windowsByIntent[0]!,
  };
}
