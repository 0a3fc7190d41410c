/**
 * The drive-mode HTTP driver next to autocannon, on the same check-in route of the same reference
 * server, in the same run. Each round starts a fresh server (in-memory store) and enrols a fleet;
 * every request of the round is then a fresh attempt with the bytes a drive run sends (a replay of an
 * attempt already judged would cost the server less):
 *   0. two seconds of autocannon (closed loop) warm the server and measure the route's rate on this
 *      machine today (in the second one); the phases' request lists are sized from that rate (below);
 *   1. autocannon (closed loop, 10 connections) and the driver offered OVERLOAD times autocannon's
 *      fastest rate so far take turns in one-second slices (see below), for the most each gets out of
 *      the server: autocannon's closed loop, the driver's answers while the server is never idle;
 *   2. the driver sends check-ins on an open model at LATENCY_LOAD times autocannon's rate of step 1,
 *      every request built as in a drive run (sample vector from a drawn sample and the participant's
 *      template) and over as many connections as a drive run opens by default, and reports its p99
 *      from the intended send instants;
 *   3. autocannon again, limited to the driver's achieved rate of step 2, for its p99 at the same rate.
 * Targets: driver's rate in step 1 ≥ 0.9 × autocannon's; driver p99 ≤ 1.5 × autocannon's at the
 * same rate.
 *
 * Why the latencies are compared below autocannon's rate: at it, the server is busy all the time and
 * any excess of the rate over what the host gives at that moment grows the queue for the rest of the
 * phase, so the p99s measure how far the host's speed drifted more than the load generators: the
 * ratio of the p99s came out at 0.15, 0.18 and 2.02 in three rounds of one run. At LATENCY_LOAD of
 * it, the server keeps some slack for the host's slow spells, and the ratio steadied at 0.40, 0.58
 * and 0.49 in the next run (both 2026-12-03).
 *
 * Why the driver is offered more than autocannon's rate for the rate comparison: offered exactly
 * autocannon's rate, it can at best match it, so a slow spell of the host during its phase lowers the
 * ratio and no fast one raises it; and the server idles whenever the arrivals fall behind for a
 * moment. Offered more than the server can answer, the server is busy throughout and the ratio
 * compares like with like.
 *
 * Why slices that take turns: the host's speed changes within seconds (the server's CPU per check-in
 * under autocannon alone measured from 89 to 157 µs between rounds of one run, 2026-12-03), so a
 * five-second phase of each, one after the other, compared two different machines: the ratio came out
 * at 0.63, 0.91, 0.85 and 0.90 in four rounds. The order turns at each pair (autocannon first, then
 * the driver first, …), and each rate is its answers over the time its slices took together. A
 * second's pause follows each driver slice, so that its backlog does not count against the next.
 *
 * The driver's connections matter at this rate, where the server is busy all the time: with 64 of
 * them the driver reached 0.86, 0.77 and 0.50 of autocannon's rate, with drive mode's 512 0.93, 0.93
 * and 0.99 (one round each, side by side, 2026-12-02), the server's CPU per check-in the same either
 * way. With 64, the server idled: 64 requests are about 6 ms of its work, less than the driver's own
 * pauses (its lag p99 ~20 ms).
 *
 * Sizing, so that a fast machine never fails the run: autocannon's lists are built before each phase
 * (so that it does no more work per request than for a fixed one), HEADROOM times what the measured
 * rate needs, and a connection stops at the end of its list instead of wrapping into replays
 * (distinct-requests.ts): a machine faster still ends the phase early, its rate counted up to its last
 * answer, and the round says how many connections ran out. The driver's phases send a number of
 * requests fixed by their rate. Attempt slots come from attempt-slots.ts, which opens one more window
 * per participant whenever the phases need more than 20 attempts each (the policy's maximum).
 *
 *   node --import tsx test/bench/driver-throughput.ts [--rounds 3] [--duration 5]
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { loadScenario } from '../../scenarios/index.ts';
import { attemptRequest } from '../../sim/backends/attempt-request.ts';
import { HttpBackend } from '../../sim/backends/http.ts';
import { SampleBasis } from '../../sim/backends/sample-vector.ts';
import { drawGenuineSample } from '../../sim/behaviour/biometrics.ts';
import { LoadRecorder } from '../../sim/metrics/load-metrics.ts';
import { enrolledTemplate } from '../../sim/population/template.ts';
import { RandomStream } from '../../sim/rng/index.ts';
import { startServerProcess, type ServerProcess } from '../../sim/drive/server-process.ts';
import { WINDOW_BATCH } from '../../sim/drive/load-test-server.ts';
import { DEFAULT_DRIVE_CONNECTIONS } from '../../sim/drive/default-connections.ts';
import type { CheckInAttempt } from '../../sim/backends/backend.ts';
import { AttemptSlots } from './attempt-slots.ts';
import { describeMachine, formatSpread, machine, numberFlag, spread, type Machine, type Spread } from './bench-report.ts';
import { perConnectionFor, runDistinct, type DistinctRun } from './distinct-requests.ts';

const PARTICIPANTS = 10_000;
const MAX_ATTEMPTS = 20;
const CONNECTIONS = 10;
// The lists of the two calibration seconds: 1 s each at up to 20,000 req/s; a faster machine ends them early, their rate still measured.
const CALIBRATION_PER_CONNECTION = 2_000;
// Lists hold this many times what the calibrated rate needs: the server warms further during the phases (up to ×3 here on a busy day).
const HEADROOM = 3;
// For autocannon at a set rate, which sends each second's quota at the second's start, the last one at the run's end too: lists for one more second than the run, and a margin.
const PACED_HEADROOM = 1.2;
// The driver's slices of step 1 offer this many times autocannon's fastest rate so far, so that the server never waits for it.
const OVERLOAD = 1.25;
// The latency phases run at this fraction of autocannon's closed-loop rate: loaded, with slack for the host's slow spells.
const LATENCY_LOAD = 0.8;
const SEED = 1;
const SIGMA = 0.15;
export const DRIVER_TARGETS = { rateRatio: 0.9, p99Ratio: 1.5 } as const;

export interface DriverRound {
  /** Closed-loop rate of the calibration second that sized the first lists. */
  calibrationRps: number;
  /** Autocannon's closed loop over its slices of step 1. */
  autocannonRps: number;
  autocannonP99Ms: number;
  driverTargetRps: number;
  driverAchievedRps: number;
  /** What the driver achieved over its slices of step 1, offered OVERLOAD times autocannon's rate: the most it gets out of the server. */
  driverSaturatedRps: number;
  driverP99Ms: number;
  /** p99 of how late the driver sent (its own lag, not the server's). */
  driverLagP99Ms: number;
  driverLate: number;
  /** CPU time of the driver's process (its event loop, GC and undici) per request it sent (µs). */
  driverCpuUsPerRequest: number;
  autocannonAtDriverRateRps: number;
  autocannonAtDriverRateP99Ms: number;
  rateRatio: number;
  p99Ratio: number;
  /** Autocannon connections whose list ran out before the phase's end (0 unless the machine outran HEADROOM). */
  listsRanOut: number;
  /** Windows opened per participant for the round's fresh attempts. */
  windowsPerParticipant: number;
}

export interface DriverBenchSettings {
  rounds: number;
  durationSeconds: number;
}

export interface DriverBenchResult {
  machine: Machine;
  settings: DriverBenchSettings & { participants: number; connections: number; overload: number; latencyLoad: number };
  rounds: DriverRound[];
  /** Each figure of the rounds: median, min–max. */
  figures: Record<'autocannonRps' | 'driverAchievedRps' | 'driverSaturatedRps' | 'rateRatio' | 'driverP99Ms' | 'autocannonAtDriverRateP99Ms' | 'p99Ratio' | 'driverLagP99Ms' | 'driverCpuUsPerRequest', Spread>;
  targets: typeof DRIVER_TARGETS;
  /** The median ratios against the targets. */
  meetsTargets: boolean;
}

export async function runDriverBench(overrides: Partial<DriverBenchSettings> = {}): Promise<DriverBenchResult> {
  const settings: DriverBenchSettings = { rounds: 3, durationSeconds: 5, ...overrides };
  const machineNow = machine();
  const rounds: DriverRound[] = [];
  for (let round = 0; round < settings.rounds; round++) rounds.push(await measureRound(settings.durationSeconds));
  const of = (name: keyof DriverRound) => spread(rounds.map((r) => r[name]));
  const figures = {
    autocannonRps: of('autocannonRps'),
    driverAchievedRps: of('driverAchievedRps'),
    driverSaturatedRps: of('driverSaturatedRps'),
    rateRatio: of('rateRatio'),
    driverP99Ms: of('driverP99Ms'),
    autocannonAtDriverRateP99Ms: of('autocannonAtDriverRateP99Ms'),
    p99Ratio: of('p99Ratio'),
    driverLagP99Ms: of('driverLagP99Ms'),
    driverCpuUsPerRequest: of('driverCpuUsPerRequest'),
  };
  return {
    machine: machineNow,
    settings: { ...settings, participants: PARTICIPANTS, connections: CONNECTIONS, overload: OVERLOAD, latencyLoad: LATENCY_LOAD },
    rounds,
    figures,
    targets: DRIVER_TARGETS,
    meetsTargets: figures.rateRatio.median >= DRIVER_TARGETS.rateRatio && figures.p99Ratio.median <= DRIVER_TARGETS.p99Ratio,
  };
}

async function measureRound(durationSeconds: number): Promise<DriverRound> {
  const scenario = loadScenario({ overrides: { seed: SEED, 'policy.maxAttempts': MAX_ATTEMPTS, 'policy.windowMinutes': 100_000 } });
  const server = await startServerProcess(scenario, 1);
  try {
    const backend = new HttpBackend(server.url, server.officerToken, { connections: DEFAULT_DRIVE_CONNECTIONS, requestTimeoutMs: 10_000 });
    const fleet = await enrol(backend, scenario.biometrics.dimension);
    // A cold server runs at a fraction of its warm rate (a third here): the first second warms it, the second measures it.
    await autocannonPhase(server, fleet, 1, CALIBRATION_PER_CONNECTION);
    const calibration = await autocannonPhase(server, fleet, 1, CALIBRATION_PER_CONNECTION);
    // As autocannon's runs warmed the server, one second at half the rate warms the driver's code (the JIT) before it is measured.
    await driveAtRate(backend, fleet, calibration.rps / 2, 1);
    await settle();
    const { closedLoop, saturatedRps } = await takeTurns(server, backend, fleet, calibration.rps, durationSeconds);
    const driven = await driveAtRate(backend, fleet, closedLoop.rps * LATENCY_LOAD, durationSeconds);
    await settle();
    const sameRate = await autocannonPhase(server, fleet, durationSeconds, perConnectionFor(driven.achievedRps, durationSeconds + 1, CONNECTIONS, PACED_HEADROOM), Math.round(driven.achievedRps));
    await backend.close();
    const autocannonAtDriverRateP99Ms = sameRate.result.latency.p99;
    return {
      calibrationRps: calibration.rps,
      autocannonRps: closedLoop.rps,
      autocannonP99Ms: closedLoop.p99Ms,
      driverTargetRps: closedLoop.rps * LATENCY_LOAD,
      driverAchievedRps: driven.achievedRps,
      driverSaturatedRps: saturatedRps,
      driverP99Ms: driven.p99Ms,
      driverLagP99Ms: driven.lagP99Ms,
      driverLate: driven.late,
      driverCpuUsPerRequest: driven.cpuUsPerRequest,
      autocannonAtDriverRateRps: sameRate.rps,
      autocannonAtDriverRateP99Ms,
      rateRatio: saturatedRps / closedLoop.rps,
      p99Ratio: driven.p99Ms / autocannonAtDriverRateP99Ms,
      listsRanOut: closedLoop.ranOut + sameRate.ranOut,
      windowsPerParticipant: fleet.slots.windows,
    };
  } finally {
    await server.stop();
  }
}

/** Autocannon's closed loop over its slices of step 1: answers over the time the slices took together. */
interface ClosedLoopRate {
  rps: number;
  /** Median of the slices' p99 (autocannon reports percentiles, not a histogram to merge). */
  p99Ms: number;
  ranOut: number;
}

/** Step 1 (see the header): `pairs` one-second slices each of autocannon's closed loop and of the driver offered OVERLOAD × autocannon's fastest rate so far, taking turns. */
async function takeTurns(server: ServerProcess, backend: HttpBackend, fleet: Fleet, calibrationRps: number, pairs: number): Promise<{ closedLoop: ClosedLoopRate; saturatedRps: number }> {
  const autocannonSlices: DistinctRun[] = [];
  let driverAnswers = 0;
  let driverSeconds = 0;
  let fastest = calibrationRps;
  const autocannonSlice = async () => {
    const run = await autocannonPhase(server, fleet, 1, perConnectionFor(fastest, 1, CONNECTIONS, HEADROOM));
    autocannonSlices.push(run);
    fastest = Math.max(fastest, run.rps);
  };
  const driverSlice = async () => {
    const { requests, achievedRps } = await driveAtRate(backend, fleet, fastest * OVERLOAD, 1);
    driverAnswers += requests;
    driverSeconds += requests / achievedRps;
    await settle();
  };
  for (let pair = 0; pair < pairs; pair++) {
    const turns = pair % 2 === 0 ? [autocannonSlice, driverSlice] : [driverSlice, autocannonSlice];
    for (const turn of turns) await turn();
  }
  const sum = (each: (run: DistinctRun) => number) => autocannonSlices.reduce((total, run) => total + each(run), 0);
  return {
    closedLoop: {
      rps: (1000 * sum((run) => run.result.requests.total)) / sum((run) => run.elapsedMs),
      p99Ms: spread(autocannonSlices.map((run) => run.result.latency.p99)).median,
      ranOut: sum((run) => run.ranOut),
    },
    saturatedRps: driverAnswers / driverSeconds,
  };
}

interface Fleet {
  tokens: string[];
  bases: SampleBasis[];
  slots: AttemptSlots;
}

/** Enrols the fleet; its windows (id = index) open as its attempt slots are handed out. */
async function enrol(backend: HttpBackend, dimension: number): Promise<Fleet> {
  const templates = Array.from({ length: PARTICIPANTS }, (_, row) => enrolledTemplate(SEED, row, dimension));
  const tokens: string[] = [];
  for (let first = 0; first < PARTICIPANTS; first += 2_000) {
    const batch = templates.slice(first, first + 2_000).map((template, index) => ({ participantId: `p${first + index}`, template: Array.from(template), timeZone: 'eastern' }));
    tokens.push(...(await backend.enrol(batch)));
  }
  const slots = new AttemptSlots(PARTICIPANTS, MAX_ATTEMPTS, async (windowIndex) => {
    const now = await backend.serverNow();
    for (let first = 0; first < PARTICIPANTS; first += WINDOW_BATCH) {
      const size = Math.min(WINDOW_BATCH, PARTICIPANTS - first);
      await backend.registerWindows(Array.from({ length: size }, (_, index) => ({ participantId: `p${first + index}`, windowId: String(windowIndex), kind: 'scheduled' as const, openedAt: now })));
    }
  });
  return { tokens, bases: templates.map((template) => new SampleBasis(template)), slots };
}

/**
 * One autocannon phase (closed loop, or at `overallRate`), each request a fresh attempt with a genuine
 * sample of its own participant's, drawn as the driver draws them: the bytes the driver sends; every
 * answer must be a judgement. One sample in every request (participant 0's, as before) made another
 * route: it was judged below threshold for everyone else, and its base64, the same 1,368 characters
 * each time, let the CPU's branch predictors learn the server's pattern check on it, about 4× cheaper
 * than on distinct samples (3.4 against 13.3 µs a check, this machine).
 */
async function autocannonPhase(server: ServerProcess, fleet: Fleet, durationSeconds: number, perConnection: number, overallRate?: number): Promise<DistinctRun> {
  const stream = new RandomStream('autocannon');
  const sample = new Float64Array(128);
  const first = await fleet.slots.reserve(perConnection * CONNECTIONS);
  const run = await runDistinct({ url: server.url, connections: CONNECTIONS, duration: durationSeconds, ...(overallRate !== undefined && { overallRate }) }, perConnection, (j) => {
    const { participant, windowIndex, attemptIndex } = fleet.slots.at(first + j);
    const attempt = { windowIndex, attemptIndex, modality: 'face' as const, windowKind: 'scheduled' as const, livenessScore: 0.9 };
    fleet.bases[participant]!.vectorFor(drawGenuineSample(stream, SIGMA, 128), sample);
    return { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${fleet.tokens[participant]}` }, ...attemptRequest(`p${participant}`, attempt, sample) };
  });
  return expectAllJudged(run);
}

/** Autocannon's figures, once every answer was a fresh judgement (201): a replay or a refusal would make them another route's. */
function expectAllJudged(run: DistinctRun): DistinctRun {
  const { result } = run;
  const judged = (result.statusCodeStats as Record<string, { count: number } | undefined>)['201']?.count ?? 0;
  if (judged !== result.requests.total || result.errors > 0) {
    throw new Error(`autocannon: ${result.requests.total - judged} of ${result.requests.total} answers were not 201, ${result.errors} errors: ${JSON.stringify(result.statusCodeStats)}`);
  }
  return run;
}

/** The driver's open model at a constant rate: request i is due at start + i / rate. */
async function driveAtRate(backend: HttpBackend, fleet: Fleet, rate: number, durationSeconds: number): Promise<{ requests: number; achievedRps: number; p99Ms: number; lagP99Ms: number; late: number; cpuUsPerRequest: number }> {
  const stream = new RandomStream('driver');
  const total = Math.floor(rate * durationSeconds);
  const firstSlot = await fleet.slots.reserve(total);
  const start = performance.now() + 200;
  const recorder = new LoadRecorder(start, 10);
  const cpuBefore = process.cpuUsage();
  // Answers are counted, not kept, as drive mode does: holding every pending promise costs the garbage collector.
  let inFlight = 0;
  let allAnswered: () => void = () => {};
  // As drive mode does (drive-traffic.ts), one sample array, encoded by submit before the next is built.
  const sample = new Float64Array(128);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const { participant, windowIndex, attemptIndex } = fleet.slots.at(firstSlot + i);
    const draw = drawGenuineSample(stream, SIGMA, 128);
    const attempt: CheckInAttempt = {
      participantId: participant,
      windowIndex,
      windowKind: 'scheduled',
      windowOpensAt: 0,
      windowClosesAt: 0,
      attemptIndex,
      at: 0,
      modality: 'face',
      sample: draw,
      livenessScore: 0.9,
    };
    // Timers wake on whole milliseconds, so a request may leave up to 1 ms before its instant: its latency then counts from when it left.
    const sentAt = performance.now();
    const from = Math.min(due, sentAt);
    recorder.sent(from, sentAt);
    inFlight++;
    void backend.submit({ attempt, participantId: `p${participant}`, token: fleet.tokens[participant]!, sample: fleet.bases[participant]!.vectorFor(draw, sample) }).then((response) => {
      recorder.done(from, performance.now(), response.errorKind);
      if (--inFlight === 0) allAnswered();
    });
    if (i % 64 === 63) await yieldToEventLoop();
  }
  if (inFlight > 0) await new Promise<void>((resolve) => (allAnswered = resolve));
  const cpu = process.cpuUsage(cpuBefore);
  const load = recorder.summary('bench', 1);
  if (Object.keys(load.errors).length > 0) throw new Error(`driver: answers other than a judgement: ${JSON.stringify(load.errors)}`);
  return { requests: total, achievedRps: load.achievedRps, p99Ms: load.latencyMs.p99, lagP99Ms: load.driverLagMsP99, late: load.late, cpuUsPerRequest: (cpu.user + cpu.system) / total };
}

export function formatDriverBench(result: DriverBenchResult): string {
  const { figures: f, targets, settings } = result;
  const lines = [
    '## drive-mode driver vs autocannon, same check-in route and server',
    `${describeMachine(result.machine)}. ${settings.rounds} rounds × ${settings.durationSeconds} s a phase (the closed loop and the driver offered ${OVERLOAD}× in turns of 1 s), ${settings.participants.toLocaleString('en-US')} participants, autocannon ${settings.connections} connections.`,
    '',
    `| round | calibration req/s | autocannon req/s (p99 ms) | driver at ${LATENCY_LOAD}× that rate: achieved req/s | driver p99 ms | driver lag p99 ms | late | driver CPU µs/req | autocannon at driver rate: req/s (p99 ms) | driver offered ${OVERLOAD}×: achieved req/s | rate ratio | p99 ratio | lists ran out | windows |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...result.rounds.map(
      (r, index) =>
        `| ${index + 1} | ${Math.round(r.calibrationRps)} | ${Math.round(r.autocannonRps)} (${r.autocannonP99Ms}) | ${Math.round(r.driverAchievedRps)} | ${r.driverP99Ms.toFixed(1)} | ${r.driverLagP99Ms.toFixed(1)} | ${r.driverLate} | ${Math.round(r.driverCpuUsPerRequest)} | ${Math.round(r.autocannonAtDriverRateRps)} (${r.autocannonAtDriverRateP99Ms}) | ${Math.round(r.driverSaturatedRps)} | ${r.rateRatio.toFixed(2)} | ${r.p99Ratio.toFixed(2)} | ${r.listsRanOut} | ${r.windowsPerParticipant} |`,
    ),
    '',
    `Median (min–max) over ${settings.rounds} rounds: autocannon ${formatSpread(f.autocannonRps)} req/s; driver at ${LATENCY_LOAD}× that rate ${formatSpread(f.driverAchievedRps)} req/s, p99 ${formatSpread(f.driverP99Ms, 1)} ms, CPU ${formatSpread(f.driverCpuUsPerRequest)} µs/req; autocannon's p99 at the driver's rate ${formatSpread(f.autocannonAtDriverRateP99Ms, 1)} ms; driver offered ${OVERLOAD}× autocannon's rate ${formatSpread(f.driverSaturatedRps)} req/s.`,
    'autocannon paces a rate by sending each connection\'s quota for the second at its start (mcollina/autocannon#174), so its p99 at a set rate holds its own bursts.',
    `driver rate offered ${OVERLOAD}× / autocannon's closed-loop rate: ${formatSpread(f.rateRatio, 2)} (target ≥ ${targets.rateRatio}); driver p99 / autocannon p99 at the same rate: ${formatSpread(f.p99Ratio, 2)} (target ≤ ${targets.p99Ratio}): ${result.meetsTargets ? 'met' : 'NOT met'}`,
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = numberFlag(process.argv, 'rounds');
  const durationSeconds = numberFlag(process.argv, 'duration');
  process.stdout.write(`${formatDriverBench(await runDriverBench({ ...(rounds !== undefined && { rounds }), ...(durationSeconds !== undefined && { durationSeconds }) }))}\n`);
}

/** A pause between phases, so that one phase's backlog does not count against the next. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_000));
}
