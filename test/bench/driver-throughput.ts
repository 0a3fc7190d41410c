/**
 * The drive-mode HTTP driver next to autocannon, on the same check-in route of the same reference
 * server, in the same run. Each round starts a fresh server (in-memory store) and enrols a fleet with
 * one long window each; every request of the round is then a fresh attempt with the bytes a drive run
 * sends (a replay of an attempt already judged would cost the server less):
 *   1. autocannon (closed loop, 10 connections) finds the route's rate, which also warms the server;
 *   2. after one second at half that rate to warm its own code, the driver sends check-ins on an open
 *      model at that rate, every request built as in a drive run (sample vector from a drawn sample
 *      and the participant's template), and reports the rate it achieved and its p99 from the intended
 *      send instants;
 *   3. autocannon again, limited to the driver's achieved rate, for its p99 at the same rate.
 * Targets (issue 4): driver ≥ 0.8 × autocannon's rate; driver p99 ≤ 2 × autocannon's at that rate.
 *
 *   node --import tsx test/bench/driver-throughput.ts [--rounds 3] [--duration 5]
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import autocannon from 'autocannon';
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
import type { CheckInAttempt } from '../../sim/backends/backend.ts';
import { distinctRequests } from './distinct-requests.ts';

const PARTICIPANTS = 10_000;
const MAX_ATTEMPTS = 20;
// Attempts a phase may need: above any check-in rate this machine reaches, times the duration.
const ATTEMPTS_PER_SECOND = 10_000;
const SEED = 1;
const SIGMA = 0.15;

export interface DriverRound {
  autocannonRps: number;
  autocannonP99Ms: number;
  driverTargetRps: number;
  driverAchievedRps: number;
  driverP99Ms: number;
  /** p99 of how late the driver sent (its own lag, not the server's). */
  driverLagP99Ms: number;
  driverLate: number;
  /** CPU time of the driver's process (its event loop, GC and undici) per request it sent (µs). */
  driverCpuUsPerRequest: number;
  autocannonAtDriverRateRps: number;
  autocannonAtDriverRateP99Ms: number;
}

export interface DriverBenchResult {
  rounds: DriverRound[];
  median: { rateRatio: number; p99Ratio: number; driverAchievedRps: number; autocannonRps: number; driverP99Ms: number; autocannonAtDriverRateP99Ms: number };
  meetsTargets: boolean;
}

export async function runDriverBench(settings: { rounds?: number; durationSeconds?: number } = {}): Promise<DriverBenchResult> {
  const rounds: DriverRound[] = [];
  for (let round = 0; round < (settings.rounds ?? 3); round++) rounds.push(await measureRound(settings.durationSeconds ?? 5));
  const rateRatio = median(rounds.map((r) => r.driverAchievedRps / r.autocannonRps));
  const p99Ratio = median(rounds.map((r) => r.driverP99Ms / r.autocannonAtDriverRateP99Ms));
  return {
    rounds,
    median: {
      rateRatio,
      p99Ratio,
      driverAchievedRps: median(rounds.map((r) => r.driverAchievedRps)),
      autocannonRps: median(rounds.map((r) => r.autocannonRps)),
      driverP99Ms: median(rounds.map((r) => r.driverP99Ms)),
      autocannonAtDriverRateP99Ms: median(rounds.map((r) => r.autocannonAtDriverRateP99Ms)),
    },
    meetsTargets: rateRatio >= 0.8 && p99Ratio <= 2,
  };
}

async function measureRound(durationSeconds: number): Promise<DriverRound> {
  const scenario = loadScenario({ overrides: { seed: SEED, 'policy.maxAttempts': MAX_ATTEMPTS, 'policy.windowMinutes': 100_000 } });
  const server = await startServerProcess(scenario, 1);
  try {
    const backend = new HttpBackend(server.url, server.officerToken, { connections: 64, requestTimeoutMs: 10_000 });
    const fleet = await enrolWithOneWindow(backend, scenario.biometrics.dimension);
    // Every request of the round is a fresh attempt: each phase has its own attempt slots of every participant.
    const slotsPerPhase = Math.ceil((ATTEMPTS_PER_SECOND * durationSeconds) / PARTICIPANTS);
    if (3 * slotsPerPhase + 1 > MAX_ATTEMPTS) throw new Error(`--duration ${durationSeconds}: too long for ${PARTICIPANTS} participants × ${MAX_ATTEMPTS} attempts`);
    const closedLoop = expectAllJudged(await autocannon(autocannonOptions(server, fleet.tokens, durationSeconds, 0)));
    // As autocannon's run warmed the server, one second at half the rate warms the driver's code (the JIT) before it is measured.
    await driveAtRate(backend, fleet, closedLoop.requests.average / 2, 1, 3 * slotsPerPhase);
    await settle();
    const driven = await driveAtRate(backend, fleet, closedLoop.requests.average, durationSeconds, slotsPerPhase);
    await settle();
    const sameRate = expectAllJudged(await autocannon({ ...autocannonOptions(server, fleet.tokens, durationSeconds, 2 * slotsPerPhase), overallRate: Math.round(driven.achievedRps) }));
    await backend.close();
    return {
      autocannonRps: closedLoop.requests.average,
      autocannonP99Ms: closedLoop.latency.p99,
      driverTargetRps: closedLoop.requests.average,
      driverAchievedRps: driven.achievedRps,
      driverP99Ms: driven.p99Ms,
      driverLagP99Ms: driven.lagP99Ms,
      driverLate: driven.late,
      driverCpuUsPerRequest: driven.cpuUsPerRequest,
      autocannonAtDriverRateRps: sameRate.requests.average,
      autocannonAtDriverRateP99Ms: sameRate.latency.p99,
    };
  } finally {
    await server.stop();
  }
}

interface Fleet {
  tokens: string[];
  bases: SampleBasis[];
}

async function enrolWithOneWindow(backend: HttpBackend, dimension: number): Promise<Fleet> {
  const templates = Array.from({ length: PARTICIPANTS }, (_, row) => enrolledTemplate(SEED, row, dimension));
  const tokens: string[] = [];
  for (let first = 0; first < PARTICIPANTS; first += 2_000) {
    const batch = templates.slice(first, first + 2_000).map((template, index) => ({ participantId: `p${first + index}`, template: Array.from(template), timeZone: 'eastern' }));
    tokens.push(...(await backend.enrol(batch)));
  }
  const now = await backend.serverNow();
  for (let first = 0; first < PARTICIPANTS; first += WINDOW_BATCH) {
    await backend.registerWindows(Array.from({ length: WINDOW_BATCH }, (_, index) => ({ participantId: `p${first + index}`, windowId: '0', kind: 'scheduled' as const, openedAt: now })));
  }
  return { tokens, bases: templates.map((template) => new SampleBasis(template)) };
}

/** Autocannon's requests: each a fresh attempt (slot `firstSlot` on, cycling through the participants) with a genuine sample, the bytes the driver sends. */
function autocannonOptions(server: ServerProcess, tokens: string[], durationSeconds: number, firstSlot: number): autocannon.Options {
  const stream = new RandomStream('autocannon');
  const sample = new SampleBasis(enrolledTemplate(SEED, 0, 128)).vectorFor(drawGenuineSample(stream, SIGMA, 128));
  const connections = 10;
  const perConnection = Math.ceil((ATTEMPTS_PER_SECOND * durationSeconds) / connections);
  return distinctRequests({ url: server.url, connections, duration: durationSeconds }, perConnection, (n) => {
    const row = n % PARTICIPANTS;
    const attempt = { windowIndex: 0, attemptIndex: firstSlot + Math.floor(n / PARTICIPANTS), modality: 'face' as const, windowKind: 'scheduled' as const, livenessScore: 0.9 };
    return { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[row]}` }, ...attemptRequest(`p${row}`, attempt, sample) };
  });
}

/** Autocannon's figures, once every answer was a fresh judgement (201): a replay or a refusal would make them another route's. */
function expectAllJudged(result: autocannon.Result): autocannon.Result {
  const judged = (result.statusCodeStats as Record<string, { count: number } | undefined>)['201']?.count ?? 0;
  if (judged !== result.requests.total || result.errors > 0) {
    throw new Error(`autocannon: ${result.requests.total - judged} of ${result.requests.total} answers were not 201, ${result.errors} errors: ${JSON.stringify(result.statusCodeStats)}`);
  }
  return result;
}

/** The driver's open model at a constant rate: request i is due at start + i / rate. */
async function driveAtRate(backend: HttpBackend, fleet: Fleet, rate: number, durationSeconds: number, firstSlot: number): Promise<{ achievedRps: number; p99Ms: number; lagP99Ms: number; late: number; cpuUsPerRequest: number }> {
  const stream = new RandomStream('driver');
  const total = Math.floor(rate * durationSeconds);
  const start = performance.now() + 200;
  const recorder = new LoadRecorder(start, 10);
  const cpuBefore = process.cpuUsage();
  // Answers are counted, not kept, as drive mode does: holding every pending promise costs the garbage collector.
  let inFlight = 0;
  let allAnswered: () => void = () => {};
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const row = i % PARTICIPANTS;
    const slot = firstSlot + Math.floor(i / PARTICIPANTS);
    const draw = drawGenuineSample(stream, SIGMA, 128);
    const attempt: CheckInAttempt = {
      participantId: row,
      windowIndex: 0,
      windowKind: 'scheduled',
      windowOpensAt: 0,
      windowClosesAt: 0,
      attemptIndex: slot,
      at: 0,
      modality: 'face',
      sample: draw,
      livenessScore: 0.9,
    };
    recorder.sent(due, performance.now());
    inFlight++;
    void backend.submit({ attempt, participantId: `p${row}`, token: fleet.tokens[row]!, sample: fleet.bases[row]!.vectorFor(draw) }).then((response) => {
      recorder.done(due, performance.now(), response.errorKind);
      if (--inFlight === 0) allAnswered();
    });
    if (i % 64 === 63) await yieldToEventLoop();
  }
  if (inFlight > 0) await new Promise<void>((resolve) => (allAnswered = resolve));
  const cpu = process.cpuUsage(cpuBefore);
  const load = recorder.summary('bench', 1);
  if (Object.keys(load.errors).length > 0) throw new Error(`driver: answers other than a judgement: ${JSON.stringify(load.errors)}`);
  return { achievedRps: load.achievedRps, p99Ms: load.latencyMs.p99, lagP99Ms: load.driverLagMsP99, late: load.late, cpuUsPerRequest: (cpu.user + cpu.system) / total };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function formatDriverBench(result: DriverBenchResult): string {
  const lines = [
    '## drive-mode driver vs autocannon, same check-in route and server (medians)',
    '| round | autocannon req/s (p99 ms) | driver target req/s | driver achieved req/s | driver p99 ms | driver lag p99 ms | late | driver CPU µs/req | autocannon at driver rate: req/s (p99 ms) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...result.rounds.map(
      (r, index) =>
        `| ${index + 1} | ${Math.round(r.autocannonRps)} (${r.autocannonP99Ms}) | ${Math.round(r.driverTargetRps)} | ${Math.round(r.driverAchievedRps)} | ${r.driverP99Ms.toFixed(1)} | ${r.driverLagP99Ms.toFixed(1)} | ${r.driverLate} | ${Math.round(r.driverCpuUsPerRequest)} | ${Math.round(r.autocannonAtDriverRateRps)} (${r.autocannonAtDriverRateP99Ms}) |`,
    ),
    '',
    'autocannon paces a rate by sending each connection\'s quota for the second at its start (mcollina/autocannon#174), so its p99 at a set rate holds its own bursts.',
    `driver rate / autocannon rate: ${result.median.rateRatio.toFixed(2)} (target ≥ 0.8); driver p99 / autocannon p99 at the same rate: ${result.median.p99Ratio.toFixed(2)} (target ≤ 2): ${result.meetsTargets ? 'met' : 'NOT met'}`,
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const flag = (name: string) => {
    const index = process.argv.indexOf(`--${name}`);
    return index < 0 ? undefined : Number(process.argv[index + 1]);
  };
  process.stdout.write(`${formatDriverBench(await runDriverBench({ rounds: flag('rounds') ?? 3, durationSeconds: flag('duration') ?? 5 }))}\n`);
}

/** A pause between phases, so that one phase's backlog does not count against the next. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_000));
}
