import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { buildPopulation, type Population } from '../population/population.ts';
import { TIME_ZONES } from '../../scenarios/catalog.ts';
import { syntheticPersonalRecord } from '../population/profile-card.ts';
import { enrolledTemplate } from '../population/template.ts';
import { drawShocks } from '../behaviour/shocks.ts';
import { participantLife, type LifeContext } from '../engine/participant-life.ts';
import { Caseloads } from '../engine/caseloads.ts';
import { ShardMetrics, type MetricsData } from '../metrics/shard-metrics.ts';
import { LoadRecorder, type LoadSummary } from '../metrics/load-metrics.ts';
import type { DriveMetricsSink } from '../metrics/drive-metrics-sink.ts';
import { HttpBackend, type WindowRegistration } from '../backends/http.ts';
import { InProcessBackend } from '../backends/in-process.ts';
import { SampleBasis } from '../backends/sample-vector.ts';
import { syntheticLocation } from '../backends/synthetic-location.ts';
import { DAY_MS } from '../virtual-time.ts';
import { DriveClock } from './drive-clock.ts';
import { DueQueue } from '../engine/due-queue.ts';
import { DriveError } from '../backends/drive-errors.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import type { AttemptResponse, CheckInAttempt } from '../backends/backend.ts';
import type { CheckInWindow } from '../behaviour/schedule.ts';
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
  serverOptions?: Record<string, unknown>;
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

export interface DriveProgress {
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

const ENROL_BATCH = 2_000;
const WINDOW_BATCH = 2_000;
/** Wall ms between the clock's alignment and the scenario's start, and windows' registration lead. */
const START_LEAD_MS = 2_000;
const REGISTRATION_LEAD_MS = 1_000;
const PROGRESS_EVERY_MS = 500;
const ATTEMPT = 1 as const;
const REGISTRATION = 0 as const;

type Due = { kind: typeof ATTEMPT; row: number; attempt: CheckInAttempt } | { kind: typeof REGISTRATION; windows: WindowRegistration[] };

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
  const population = buildPopulation(scenario, 0, scenario.participants);
  const metrics = new ShardMetrics(scenario.days);
  const windows: { row: number; index: number; window: CheckInWindow }[] = [];
  const context: LifeContext = {
    scenario,
    population,
    shocks: drawShocks(scenario),
    metrics,
    events: null,
    caseloads: new Caseloads(scenario, metrics, null),
    onSchedule: (row, schedule) => schedule.forEach((window, index) => windows.push({ row, index, window })),
  };
  const slice = options.slice ?? { from: 0, to: Number.POSITIVE_INFINITY };
  const beforeSlice = new InProcessBackend(scenario.policy, context.shocks, scenario.backend.errorRate, scenario.seed);
  const lives = Array.from({ length: population.size }, (_, row) => participantLife(context, row));
  /** A life's next attempt to send, after answering in process those due before the slice. */
  const nextToSend = (row: number, response?: AttemptResponse): CheckInAttempt | undefined => {
    const life = lives[row]!;
    let step = response === undefined ? life.next() : life.next(response);
    while (!step.done && step.value.at < slice.from) step = life.next(beforeSlice.submit(step.value));
    return step.done || step.value.at >= slice.to ? undefined : step.value;
  };
  const firstAttempts = lives.map((_, row) => nextToSend(row));

  const tokens = await enrolFleet(backend, scenario, population);
  await checkClockFactor(backend, compression);
  const serverNow = await backend.serverNow();
  // Nothing is sent before the first window's registration is due: start the clock there rather than
  // spend wall time on hours in which no window is open (the period starts at UTC midnight).
  const firstOpening = windows.reduce((first, { window }) => (window.closesAt > slice.from ? Math.min(first, window.opensAt) : first), Number.POSITIVE_INFINITY);
  const origin = Math.max(slice.from, Math.min(firstOpening, slice.to) - REGISTRATION_LEAD_MS * compression);
  const clock = new DriveClock(compression, origin, performance.now() + START_LEAD_MS, serverNow + START_LEAD_MS * compression);
  sink?.begin({ data: metrics.data, targetUrl, compression, lateAfterMs: options.lateAfterMs });

  const queue = new DueQueue<Due>();
  const inSlice = windows.filter(({ window }) => window.opensAt < slice.to && window.closesAt > slice.from);
  for (const batch of registrationBatches(inSlice, clock, compression)) queue.push(batch.due, REGISTRATION, batch);
  firstAttempts.forEach((attempt, row) => {
    if (!attempt) return;
    queue.push(attempt.at, ATTEMPT + row, { kind: ATTEMPT, row, attempt });
    sink?.scheduled(clock.wallAt(attempt.at));
  });

  const recorder = new LoadRecorder(clock.wallAtOrigin, options.lateAfterMs);
  const bases = new Map<number, SampleBasis>();
  const basisOf = (row: number): SampleBasis => {
    let basis = bases.get(row);
    if (!basis) {
      basis = new SampleBasis(enrolledTemplate(scenario.seed, row, scenario.biometrics.dimension));
      bases.set(row, basis);
    }
    return basis;
  };

  let wake: () => void = () => {};
  let inFlight = 0;
  let laggingSince = Number.NaN;
  let abortedBy: DriveError | undefined;
  let lastProgress = 0;
  const span = { from: slice.from, to: Math.min(slice.to, scenario.days * DAY_MS) };

  const fire = (due: Due, dueWall: number): void => {
    inFlight++;
    if (due.kind === REGISTRATION) {
      backend.registerWindows(due.windows).then(
        () => registered(),
        () => registered('window_registration'),
      );
      return;
    }
    const sentAt = performance.now();
    recorder.sent(dueWall, sentAt);
    sink?.sent(dueWall, sentAt);
    const { row, attempt } = due;
    const request = {
      attempt,
      participantId: participantIdOf(row),
      token: tokens[row]!,
      sample: basisOf(row).vectorFor(attempt.sample),
      location: attempt.modality === 'face' ? syntheticLocation(scenario.seed, row, population.timeZone[row]!) : undefined,
    };
    backend.submit(request).then((response) => {
      settle(dueWall, response.errorKind);
      resume(row, response);
    });
  };

  const settle = (dueWall: number, errorKind?: string) => {
    inFlight--;
    const answeredAt = performance.now();
    recorder.done(dueWall, answeredAt, errorKind);
    sink?.answered(dueWall, answeredAt, errorKind);
    options.onAnswer?.(dueWall, answeredAt, errorKind);
    wake();
  };

  const registered = (errorKind?: string) => {
    inFlight--;
    if (errorKind) {
      recorder.error(errorKind);
      sink?.error(errorKind);
    }
    wake();
  };

  const resume = (row: number, response: AttemptResponse) => {
    if (abortedBy) return;
    const attempt = nextToSend(row, response);
    if (!attempt) return;
    queue.push(attempt.at, ATTEMPT + row, { kind: ATTEMPT, row, attempt });
    sink?.scheduled(clock.wallAt(attempt.at));
  };

  let fired = 0;
  while (!abortedBy) {
    const now = performance.now();
    if (options.onProgress && now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      options.onProgress(progressOf(clock, span, recorder, metrics.data));
    }
    const next = queue.peek();
    if (!next) {
      if (inFlight === 0) break;
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const dueWall = clock.wallAt(next.due);
    if (dueWall > now + 0.5) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(dueWall - now, PROGRESS_EVERY_MS));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      continue;
    }
    const lag = now - dueWall;
    if (lag > options.maxLagMs) {
      if (Number.isNaN(laggingSince)) laggingSince = now;
      else if (now - laggingSince > options.maxLagForMs) {
        abortedBy = new DriveError(
          'DRV_ERR_CANNOT_KEEP_UP',
          `at compression ${compression} the driver has been more than ${options.maxLagMs} ms behind its schedule for ${Math.round(now - laggingSince)} ms (lag now ${Math.round(lag)} ms, p99 so far ${recorder.summary(targetLabel, compression).driverLagMsP99} ms); lower --compression or the fleet size`,
        );
        break;
      }
    } else {
      laggingSince = Number.NaN;
    }
    queue.pop();
    fire(next.value, dueWall);
    // Let answers in between bursts of sends, so that a burst cannot starve the event loop.
    if (++fired % 64 === 0) await yieldToEventLoop();
  }
  await drainInFlight(() => inFlight, (resolve) => (wake = resolve), options.requestTimeoutMs);
  context.caseloads.settle();
  options.onProgress?.(progressOf(clock, span, recorder, metrics.data));
  const load = recorder.summary(targetLabel, compression);
  return {
    metrics: metrics.data,
    load: abortedBy ? { ...load, aborted: abortedBy.message } : load,
    wallMs: performance.now() - started,
    ...(abortedBy && { abortedBy }),
  };
}

export function participantIdOf(row: number): string {
  return `p${row}`;
}

async function enrolFleet(backend: HttpBackend, scenario: Scenario, population: Population): Promise<string[]> {
  const tokens: string[] = [];
  for (let first = 0; first < population.size; first += ENROL_BATCH) {
    const batch = Array.from({ length: Math.min(ENROL_BATCH, population.size - first) }, (_, index) => {
      const row = first + index;
      return {
        participantId: participantIdOf(row),
        template: Array.from(enrolledTemplate(scenario.seed, row, scenario.biometrics.dimension)),
        timeZone: TIME_ZONES[population.timeZone[row]!]!.name,
        // Made here, per batch, as the server stores them: sim mode never makes one.
        personalRecord: syntheticPersonalRecord(scenario.seed, population, row),
      };
    });
    tokens.push(...(await backend.enrol(batch)));
  }
  return tokens;
}

/** The target's clock must run at the run's compression, or windows would open and close out of step. */
async function checkClockFactor(backend: HttpBackend, compression: number): Promise<void> {
  const wallBefore = performance.now();
  const before = await backend.serverNow();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = await backend.serverNow();
  const measured = (after - before) / (performance.now() - wallBefore);
  if (Math.abs(measured / compression - 1) > 0.25) {
    throw new DriveError(
      'DRV_ERR_CLOCK_MISMATCH',
      `the target's virtual clock runs at about ×${measured.toPrecision(3)} but --compression is ${compression}; start the server with --clock-factor ${compression}`,
    );
  }
}

/** Windows in registration batches, each sent well before the first of its windows opens. */
function registrationBatches(
  windows: readonly { row: number; index: number; window: CheckInWindow }[],
  clock: DriveClock,
  compression: number,
): { kind: typeof REGISTRATION; due: number; windows: WindowRegistration[] }[] {
  const sorted = [...windows].sort((a, b) => a.window.opensAt - b.window.opensAt || a.row - b.row);
  const leadVirtual = REGISTRATION_LEAD_MS * compression;
  const batches: { kind: typeof REGISTRATION; due: number; windows: WindowRegistration[] }[] = [];
  for (let first = 0; first < sorted.length; first += WINDOW_BATCH) {
    const slice = sorted.slice(first, first + WINDOW_BATCH);
    batches.push({
      kind: REGISTRATION,
      due: slice[0]!.window.opensAt - leadVirtual,
      windows: slice.map(({ row, index, window }) => ({
        participantId: participantIdOf(row),
        windowId: String(index),
        kind: window.kind,
        openedAt: clock.toServer(window.opensAt),
      })),
    });
  }
  return batches;
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

async function drainInFlight(inFlight: () => number, setWake: (resolve: () => void) => void, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs + 1_000;
  while (inFlight() > 0 && performance.now() < deadline) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 100);
      setWake(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
