/**
 * Check-ins per second of the reference server on loopback, next to bare fastify routes measured in
 * the same run: autocannon against POST /v1/participants/:id/checkins with a fresh attempt id per
 * request (every request is judged and stored; none is a replay), with the in-memory store and with
 * SQLite (WAL), each participant's own sample in base64 as drive mode sends it. Each server runs in
 * its own process, the reference server as `checkin-sim serve` runs it for a user: compiled (dist/,
 * which `npm run bench` builds first), not its sources through tsx, and with node's
 * the server's node flags (server-stub/server-v8-flags.ts), as the bare baselines are too (formatServerBench prints why);
 * rounds interleave the servers; each figure is the median (min–max) over rounds, each ratio taken
 * within a round (side by side) before its median. The baselines: `helloWorld`, a bare fastify GET;
 * `bareCheckInPost`, a bare fastify route that validates the same bodies with the same schema and
 * does nothing else (what reading and validating a check-in costs before any work). One more server,
 * `checkInMemoryJsonArray`, is the in-memory server with the sample as a JSON array of 128 numbers,
 * the other form the API takes. Targets: check-in ≥ 0.6 × the bare POST (memory), ≥ 0.45 × (SQLite).
 *
 * Interleaved, because the machine's speed changes within seconds: on the shared host this runs on,
 * the same server's CPU per request moved by a third from one ten-second run to the next, and
 * heavier routes more than lighter ones. So a round starts every server at once, and then measures
 * them in turn in short slices, one per server, each server's figures taken over its slices together:
 * a slow spell of the host falls on every server of the round alike, instead of on whichever was being
 * measured, and the ratios within a round compare like with like. The order turns by one at each slice
 * (1, 2, …, 5, then 2, 3, …, 5, 1, and so on), so that every server is measured once in every place:
 * in a fixed order, one and the same in-memory server measured 12–18 % faster in the last place than in
 * the third, right after the bare POST (two copies of it in one round, 2026-12-02), and the third place
 * was the in-memory server's. The order the servers are started in turns by one from round to round
 * too (with 5 rounds, each server starts once in every place): four copies of the in-memory server in
 * one round measured 1.00, 1.09, 1.09 and 1.20 by the order they were started (the last started idles
 * least before the slices begin; 3 rounds, 2026-12-02), and 1.00, 0.94, 0.98, 1.04 in a quieter
 * spell, so the effect comes and goes; in a fixed order SQLite always started last.
 *
 * The load generator runs on one core and every server on another (core-pinning.ts): left to the
 * scheduler, three processes of one and the same server measured 0.45 to 0.69 of the bare POST in
 * one round, by where they were placed.
 *
 * Sizing, so that a fast machine never fails the run: every server gets three seconds of the load it
 * is measured with, two to warm it, the third to measure its rate on this machine today; each slice's
 * requests are then built before it (so that the load generator, which shares the machine's cores
 * with the server, does no more work per request than for the hello-world), HEADROOM times what the
 * fastest of that server's phases so far needs, and a connection stops at the end of its list instead
 * of wrapping into replays (distinct-requests.ts): a machine faster still ends the slice early, its
 * rate counted up to its last answer (`listsRanOut` says so). The fastest phase, not the calibration
 * second alone: one round calibrated the in-memory server in a slow spell of the host at 2,535 req/s
 * against its usual ~8,100, and its slices' lists ran out (2026-12-03). Attempt slots come from
 * attempt-slots.ts, which opens one more window per participant whenever the requests need more than
 * 20 attempts each.
 *
 *   node --import tsx test/bench/server-throughput.ts [--rounds 3] [--duration 5] [--connections 10]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { Agent, request } from 'undici';
import { compiledState } from '../../sim/cli/compiled-state.js';
import { encodeSampleBase64 } from '../../server-stub/sample-encoding.ts';
import { SERVER_V8_FLAGS } from '../../server-stub/server-v8-flags.ts';
import { loadScenario } from '../../scenarios/index.ts';
import { buildPopulation } from '../../sim/population/population.ts';
import { syntheticPersonalRecord } from '../../sim/population/profile-card.ts';
import { AttemptSlots } from './attempt-slots.ts';
import { pinLoadGenerator } from './core-pinning.ts';
import { describeMachine, formatSpread, machine, numberFlag, spread, type Machine, type Spread } from './bench-report.ts';
import { perConnectionFor, runDistinct, type DistinctRun } from './distinct-requests.ts';
import { OFFICER_TOKEN, removeTempDirs, sampleWithSimilarity, spawnListening, spawnServe, tempDir, unitVector, type ServerProcess } from '../server-stub/server-fixtures.ts';

export interface ServerBenchSettings {
  rounds: number;
  durationSeconds: number;
  connections: number;
  /** Participants enrolled per check-in server; each takes up to 20 attempts per window. */
  participants: number;
}

export type ServerName = 'helloWorld' | 'bareCheckInPost' | 'checkInMemory' | 'checkInMemoryJsonArray' | 'checkInSqlite';

/** One server's figures over the rounds. */
export interface ServerFigures {
  requestsPerSecond: Spread;
  /** Within a round, the median of its slices' percentiles (autocannon reports percentiles, not a histogram to merge). */
  p50Ms: Spread;
  p99Ms: Spread;
  /** CPU time of the server process per request answered (µs): its cost, whatever else shares the machine. */
  serverCpuUsPerRequest: Spread;
  /** The part of it spent in the kernel: reading and writing the sockets, and waking the load generator when its answer finds it idle. */
  serverKernelUsPerRequest: Spread;
  /** CPU time of the bench process, which runs autocannon, per request answered (µs). */
  loadGeneratorCpuUsPerRequest: Spread;
  /** Rate of the calibration second; each slice's lists are sized from the fastest of it, the warm-up and the earlier slices. */
  calibrationRps: Spread;
  /**
   * What came back other than the expected status, over every round (empty when nothing did): a count
   * per other status code, `errors` for connection errors and `timeouts` for those of them that were
   * timeouts (autocannon counts a timeout among its errors too).
   */
  unexpected: Record<string, number>;
  /** Autocannon connections whose list ran out before the phase's end, over every round (0 unless the machine outran HEADROOM). */
  listsRanOut: number;
}

export const SERVER_TARGETS = { memoryToBarePost: 0.6, sqliteToBarePost: 0.45 } as const;

export interface ServerBenchResult {
  machine: Machine;
  settings: ServerBenchSettings;
  servers: Record<ServerName, ServerFigures>;
  /** Check-in rate over a baseline's, within each round. */
  ratios: Record<'memory' | 'sqlite' | 'memoryJsonArray' | 'memoryToBarePost' | 'sqliteToBarePost', Spread>;
  /** The hello-world's server CPU per request over the check-in's, within each round: requests a core can serve, relative. */
  cpuRatios: Record<'memory' | 'sqlite' | 'memoryJsonArray', Spread>;
  targets: typeof SERVER_TARGETS;
  /** Where the load generator and the servers ran (core-pinning.ts). */
  pinning: string;
  /** The median ratios to the bare POST against the targets. */
  meetsTargets: boolean;
}

const DEFAULTS: ServerBenchSettings = { rounds: 3, durationSeconds: 5, connections: 10, participants: 4000 };
const MAX_ATTEMPTS = 20;
const DIMENSION = 128;
/** Every participant's template: the samples differ, at one similarity to it. */
const TEMPLATE = unitVector('bench', DIMENSION);
// The calibration second's list per connection (twice that for the two warm-up seconds): 1 s at up to 40,000 req/s over 10 connections; a faster machine ends it early, its rate still measured.
const CALIBRATION_PER_CONNECTION = 4_000;
// The measured slices' lists hold this many times what the calibrated rate needs: the server warms further during them.
const HEADROOM = 3;
// USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux this runs on.
const CLOCK_TICKS_PER_SECOND = 100;

interface RoundFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuUsPerRequest: number;
  serverKernelUsPerRequest: number;
  loadGeneratorCpuUsPerRequest: number;
  calibrationRps: number;
  unexpected: Record<string, number>;
  listsRanOut: number;
}

/** How one server is started and loaded. */
interface ServerUnderTest {
  expectedStatus: number;
  start(): Promise<ServerProcess>;
  prepare(url: string): Promise<Load>;
}

/** `requestAt(first, j)` builds the j-th request of a phase whose first attempt slot is `first`; `slots` hands the phases their attempts. */
interface Load {
  requestAt: (first: number, j: number) => autocannon.Request;
  slots?: AttemptSlots;
}

/** A server started, loaded (its fleet enrolled), warmed and calibrated: ready for its measured slices. */
interface ReadyServer {
  running: ServerProcess;
  expectedStatus: number;
  phase: (seconds: number, perConnection: number) => Promise<DistinctRun>;
  calibrationRps: number;
  /** The fastest rate of this server's phases so far (warm-up, calibration, slices): what sizes the next slice's lists. */
  fastestRps: number;
  /** What the warm-up and the calibration answered other than the expected status. */
  unexpected: Record<string, number>;
}

/** One measured slice: its run, and the server's CPU time over it. */
interface Slice {
  run: DistinctRun;
  cpuMs: { userMs: number; kernelMs: number };
}

export async function runServerBench(overrides: Partial<ServerBenchSettings> = {}): Promise<ServerBenchResult> {
  const settings = { ...DEFAULTS, ...overrides };
  const machineNow = machine();
  if (compiledState() !== 'fresh') process.stderr.write('server bench: dist/ is not fresh, so the reference server runs from its sources through tsx (npm run build compiles it)\n');
  const names: ServerName[] = ['helloWorld', 'bareCheckInPost', 'checkInMemory', 'checkInMemoryJsonArray', 'checkInSqlite'];
  const rounds: Record<ServerName, RoundFigures>[] = [];
  const pinning = pinLoadGenerator();
  try {
    for (let round = 0; round < settings.rounds; round++) {
      const startOrder = names.map((_, index) => names[(index + round) % names.length]!);
      rounds.push(await measureRound(settings, startOrder, pinning.pinServer));
    }
  } finally {
    pinning.restore();
    removeTempDirs();
  }
  const over = <T>(each: (round: Record<ServerName, RoundFigures>) => T) => rounds.map(each);
  const servers = Object.fromEntries(
    names.map((name) => [
      name,
      {
        requestsPerSecond: spread(over((r) => r[name].requestsPerSecond)),
        p50Ms: spread(over((r) => r[name].p50Ms)),
        p99Ms: spread(over((r) => r[name].p99Ms)),
        serverCpuUsPerRequest: spread(over((r) => r[name].serverCpuUsPerRequest)),
        serverKernelUsPerRequest: spread(over((r) => r[name].serverKernelUsPerRequest)),
        loadGeneratorCpuUsPerRequest: spread(over((r) => r[name].loadGeneratorCpuUsPerRequest)),
        calibrationRps: spread(over((r) => r[name].calibrationRps)),
        unexpected: addCounts(over((r) => r[name].unexpected)),
        listsRanOut: over((r) => r[name].listsRanOut).reduce((a, b) => a + b, 0),
      },
    ]),
  ) as Record<ServerName, ServerFigures>;
  const rate = (a: ServerName, b: ServerName) => spread(over((r) => r[a].requestsPerSecond / r[b].requestsPerSecond));
  const cpu = (a: ServerName) => spread(over((r) => r.helloWorld.serverCpuUsPerRequest / r[a].serverCpuUsPerRequest));
  const ratios = {
    memory: rate('checkInMemory', 'helloWorld'),
    sqlite: rate('checkInSqlite', 'helloWorld'),
    memoryJsonArray: rate('checkInMemoryJsonArray', 'helloWorld'),
    memoryToBarePost: rate('checkInMemory', 'bareCheckInPost'),
    sqliteToBarePost: rate('checkInSqlite', 'bareCheckInPost'),
  };
  const cpuRatios = { memory: cpu('checkInMemory'), sqlite: cpu('checkInSqlite'), memoryJsonArray: cpu('checkInMemoryJsonArray') };
  const meetsTargets = ratios.memoryToBarePost.median >= SERVER_TARGETS.memoryToBarePost && ratios.sqliteToBarePost.median >= SERVER_TARGETS.sqliteToBarePost;
  return { machine: machineNow, settings, servers, ratios, cpuRatios, targets: SERVER_TARGETS, pinning: pinning.description, meetsTargets };
}

function serverUnderTest(name: ServerName, settings: ServerBenchSettings): ServerUnderTest {
  const bare = () => spawnListening([...SERVER_V8_FLAGS, '--import', 'tsx', 'test/bench/server-hello-world.ts']);
  switch (name) {
    case 'helloWorld':
      return { expectedStatus: 200, start: bare, prepare: async () => ({ requestAt: () => ({ method: 'GET', path: '/' }) }) };
    case 'bareCheckInPost':
      return {
        expectedStatus: 201,
        start: bare,
        prepare: async () => {
          // The bare route reads no token and keeps nothing: the same bodies, no windows needed.
          const slots = new AttemptSlots(settings.participants, MAX_ATTEMPTS, async () => {});
          return { slots, requestAt: checkInRequest(slots, Array.from({ length: settings.participants }, () => 'none'), 'base64') };
        },
      };
    case 'checkInMemory':
    case 'checkInMemoryJsonArray':
    case 'checkInSqlite':
      return {
        expectedStatus: 201,
        start: () => checkInServer(name === 'checkInSqlite'),
        prepare: async (url) => {
          const { tokens, slots } = await enrolFleet(url, settings);
          return { slots, requestAt: checkInRequest(slots, tokens, name === 'checkInMemoryJsonArray' ? 'array' : 'base64') };
        },
      };
  }
}

/** One round: every server started and calibrated in the given order, then measured in interleaved slices (see the header), then stopped. */
async function measureRound(settings: ServerBenchSettings, names: readonly ServerName[], pinServer: (pid: number) => void): Promise<Record<ServerName, RoundFigures>> {
  const ready: ReadyServer[] = [];
  try {
    for (const name of names) ready.push(await startAndCalibrate(settings, serverUnderTest(name, settings), pinServer));
    const slices = ready.map((): Slice[] => []);
    const sliceSeconds = settings.durationSeconds / ready.length;
    for (let slice = 0; slice < ready.length; slice++) {
      for (let place = 0; place < ready.length; place++) {
        const index = (slice + place) % ready.length;
        slices[index]!.push(await measureSlice(settings, ready[index]!, sliceSeconds));
      }
    }
    return Object.fromEntries(names.map((name, index) => [name, roundFigures(ready[index]!, slices[index]!)])) as Record<ServerName, RoundFigures>;
  } finally {
    for (const { running } of ready) running.child.kill('SIGTERM');
    await Promise.all(ready.map(({ running }) => running.exited));
  }
}

async function startAndCalibrate(settings: ServerBenchSettings, server: ServerUnderTest, pinServer: (pid: number) => void): Promise<ReadyServer> {
  const running = await server.start();
  try {
    pinServer(running.child.pid!);
    const { requestAt, slots } = await server.prepare(running.url);
    const phase = async (seconds: number, perConnection: number): Promise<DistinctRun> => {
      const first = (await slots?.reserve(perConnection * settings.connections)) ?? 0;
      return runDistinct({ url: running.url, connections: settings.connections, duration: seconds }, perConnection, (j) => requestAt(first, j));
    };
    // Two seconds warm the server (the check-in route's code still runs at half speed after one); the third measures its rate, which sizes the slices' lists.
    const warm = await phase(2, 2 * CALIBRATION_PER_CONNECTION);
    const calibration = await phase(1, CALIBRATION_PER_CONNECTION);
    const unexpected = addCounts([warm, calibration].map(({ result }) => unexpectedAnswers(result, server.expectedStatus)));
    return { running, expectedStatus: server.expectedStatus, phase, calibrationRps: calibration.rps, fastestRps: Math.max(warm.rps, calibration.rps), unexpected };
  } catch (error) {
    running.child.kill('SIGTERM');
    await running.exited;
    throw error;
  }
}

async function measureSlice(settings: ServerBenchSettings, server: ReadyServer, seconds: number): Promise<Slice> {
  const perConnection = perConnectionFor(server.fastestRps, seconds, settings.connections, HEADROOM);
  const before = processCpuMs(server.running.child.pid!);
  const run = await server.phase(seconds, perConnection);
  const after = processCpuMs(server.running.child.pid!);
  server.fastestRps = Math.max(server.fastestRps, run.rps);
  return { run, cpuMs: { userMs: after.userMs - before.userMs, kernelMs: after.kernelMs - before.kernelMs } };
}

/** A server's figures over its slices of a round: answers over the time they took, CPU over the answers. */
function roundFigures(server: ReadyServer, slices: readonly Slice[]): RoundFigures {
  const sum = (each: (slice: Slice) => number) => slices.reduce((total, slice) => total + each(slice), 0);
  const answered = sum(({ run }) => run.result.requests.total);
  const elapsedMs = sum(({ run }) => run.elapsedMs);
  return {
    requestsPerSecond: elapsedMs === 0 ? 0 : (answered * 1000) / elapsedMs,
    p50Ms: spread(slices.map(({ run }) => run.result.latency.p50)).median,
    p99Ms: spread(slices.map(({ run }) => run.result.latency.p99)).median,
    serverCpuUsPerRequest: (sum(({ cpuMs }) => cpuMs.userMs + cpuMs.kernelMs) * 1000) / answered,
    serverKernelUsPerRequest: (sum(({ cpuMs }) => cpuMs.kernelMs) * 1000) / answered,
    loadGeneratorCpuUsPerRequest: sum(({ run }) => run.loadGeneratorCpuUs) / answered,
    calibrationRps: server.calibrationRps,
    unexpected: addCounts([server.unexpected, ...slices.map(({ run }) => unexpectedAnswers(run.result, server.expectedStatus))]),
    listsRanOut: sum(({ run }) => run.ranOut),
  };
}

/** User and kernel CPU time of a process so far (ms), from /proc (Linux). */
function processCpuMs(pid: number): { userMs: number; kernelMs: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { userMs: (Number(fields[11]) * 1000) / CLOCK_TICKS_PER_SECOND, kernelMs: (Number(fields[12]) * 1000) / CLOCK_TICKS_PER_SECOND };
}

function checkInServer(sqlite: boolean): Promise<ServerProcess> {
  const dir = tempDir();
  const config = join(dir, 'server.json');
  writeFileSync(config, JSON.stringify({ policy: { maxAttempts: MAX_ATTEMPTS, windowMinutes: 100_000 }, rateLimit: { max: 1000 } }));
  return spawnServe(['--port', '0', '--officer-token', OFFICER_TOKEN, '--config', config, ...(sqlite ? ['--db', join(dir, 'bench.db')] : [])], 'cli');
}

/** Enrols the participants, each with its synthetic personal record as drive mode sends it; their windows (`w<index>`) open as their attempt slots are handed out. */
async function enrolFleet(url: string, settings: ServerBenchSettings): Promise<{ tokens: string[]; slots: AttemptSlots }> {
  const scenario = loadScenario({ overrides: { participants: settings.participants } });
  const population = buildPopulation(scenario, 0, settings.participants);
  const tokens: string[] = [];
  await asOfficer(url, async (post) => {
    for (let from = 0; from < settings.participants; from += 2000) {
      const batch = Array.from({ length: Math.min(2000, settings.participants - from) }, (_, i) => ({
        participantId: `b-${from + i}`,
        template: TEMPLATE,
        personalRecord: syntheticPersonalRecord(scenario.seed, population, from + i),
      }));
      tokens.push(...(await post('/v1/participants/bulk', { participants: batch })).tokens!.map((entry) => entry.token));
    }
  });
  const slots = new AttemptSlots(settings.participants, MAX_ATTEMPTS, (windowIndex) =>
    asOfficer(url, async (post) => {
      for (let from = 0; from < settings.participants; from += 2000) {
        await post('/v1/windows/bulk', { windows: Array.from({ length: Math.min(2000, settings.participants - from) }, (_, i) => ({ participantId: `b-${from + i}`, windowId: `w${windowIndex}`, kind: 'scheduled' })) });
      }
    }),
  );
  return { tokens, slots };
}

/** Officer POSTs (each must answer 201) through an agent closed when `work` is done. */
async function asOfficer(url: string, work: (post: (path: string, body: unknown) => Promise<{ tokens?: { token: string }[] }>) => Promise<void>): Promise<void> {
  const agent = new Agent({ connections: 4 });
  const headers = { authorization: `Bearer ${OFFICER_TOKEN}`, 'content-type': 'application/json' };
  try {
    await work(async (path, body) => {
      const response = await request(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body), dispatcher: agent });
      const text = await response.body.text();
      if (response.statusCode !== 201) throw new Error(`${path}: ${response.statusCode} ${text}`);
      return JSON.parse(text) as { tokens?: { token: string }[] };
    });
  } finally {
    await agent.close();
  }
}

/** The j-th check-in request of a phase from slot `first`: a fresh attempt id; only the participant and the ids change per request. */
function checkInRequest(slots: AttemptSlots, tokens: string[], form: 'base64' | 'array'): (first: number, j: number) => autocannon.Request {
  // Each participant's own sample, at similarity 0.7 to the template: samples as distinct as a fleet's.
  // One sample in every request let the CPU's branch predictors learn the schema's base64 pattern
  // check on it, about 4× cheaper than on distinct samples, for the bare POST and the check-in alike.
  const rests = tokens.map((_, participant) => {
    const sample = sampleWithSimilarity(TEMPLATE, 0.7, `bench-${participant}`);
    const encoded = form === 'base64' ? `"sampleBase64":"${encodeSampleBase64(sample)}"` : `"sample":${JSON.stringify(sample)}`;
    return `","modality":"face",${encoded},"capture":{"livenessScore":0.9}}`;
  });
  return (first, j) => {
    const { participant, windowIndex, attemptIndex } = slots.at(first + j);
    return {
      method: 'POST',
      path: `/v1/participants/b-${participant}/checkins`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[participant]}` },
      body: `{"windowId":"w${windowIndex}","attemptId":"a-${windowIndex}-${attemptIndex}${rests[participant]}`,
    };
  };
}

/** The answers of a run other than `expectedStatus`, by status code, and its connection errors and timeouts. */
function unexpectedAnswers(result: autocannon.Result, expectedStatus: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats as Record<string, { count: number }>)) {
    if (Number(status) !== expectedStatus) counts[status] = count;
  }
  if (result.errors > 0) counts.errors = result.errors;
  if (result.timeouts > 0) counts.timeouts = result.timeouts;
  return counts;
}

function addCounts(each: readonly Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const counts of each) for (const [key, count] of Object.entries(counts)) total[key] = (total[key] ?? 0) + count;
  return total;
}

/** `0`, or the unexpected answers as `503: 2, errors: 1, timeouts: 1`. */
function formatUnexpected(unexpected: Record<string, number>): string {
  const entries = Object.entries(unexpected);
  return entries.length === 0 ? '0' : entries.map(([key, count]) => `${key}: ${count}`).join(', ');
}

export function formatServerBench(result: ServerBenchResult): string {
  const { rounds, durationSeconds, connections, participants } = result.settings;
  const { ratios, cpuRatios, targets } = result;
  const lines = [
    '## reference server: check-in route vs bare fastify routes (autocannon, loopback)',
    `${describeMachine(result.machine)}. ${rounds} rounds × ${durationSeconds} s per server, in ${Object.keys(result.servers).length} slices interleaved with the other servers' (each server once in every place), started in an order that turns by one each round, ${connections} connections, ${participants.toLocaleString('en-US')} participants, ${result.pinning}; median (min–max) over rounds.`,
    '',
    '| server | req/s | p50 ms | p99 ms | server CPU µs/req | of which kernel | load generator CPU µs/req | calibration req/s | unexpected | lists ran out |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(result.servers).map(
      ([name, s]) =>
        `| ${name} | ${formatSpread(s.requestsPerSecond)} | ${formatSpread(s.p50Ms, 1)} | ${formatSpread(s.p99Ms, 1)} | ${formatSpread(s.serverCpuUsPerRequest)} | ${formatSpread(s.serverKernelUsPerRequest)} | ${formatSpread(s.loadGeneratorCpuUsPerRequest)} | ${formatSpread(s.calibrationRps)} | ${formatUnexpected(s.unexpected)} | ${s.listsRanOut} |`,
    ),
    '',
    `Every server runs with node's ${SERVER_V8_FLAGS.join(' ')}: \`checkin-sim serve\` serves from a child process started with them (--parallel-gc keeps V8's defaults), and the bare routes get them too, so each ratio compares routes on one runtime. On 2 cores, with the load generator on the same machine, --single-threaded-gc made the reference server 14–17 % faster and the bare POST ~9 % slower (side by side, 5 rounds); with the server on a core of its own, --no-concurrent-recompilation made it 1.20× as fast and the bare POST 1.05× (5 rounds).`,
    `Check-in rate / bare POST of the same bodies: memory ${formatSpread(ratios.memoryToBarePost, 2)} (target ≥ ${targets.memoryToBarePost}), SQLite ${formatSpread(ratios.sqliteToBarePost, 2)} (target ≥ ${targets.sqliteToBarePost}): ${result.meetsTargets ? 'met' : 'NOT met'}.`,
    `Check-in rate / hello-world: memory ${formatSpread(ratios.memory, 2)}, SQLite ${formatSpread(ratios.sqlite, 2)}, memory with the JSON-array sample ${formatSpread(ratios.memoryJsonArray, 2)}.`,
    `The same from server CPU per request (hello-world's / check-in's): memory ${formatSpread(cpuRatios.memory, 2)}, SQLite ${formatSpread(cpuRatios.sqlite, 2)}, memory with the JSON-array sample ${formatSpread(cpuRatios.memoryJsonArray, 2)}.`,
    'Autocannon shares the machine, on a core of its own when there are two. While the server is the slower of the two, autocannon sleeps between answers, and every answer wakes it: the server pays for that wake-up in kernel time (on a VM, an interrupt to the other core). So a slower route also pays more kernel time per request, which is why the kernel column is shown beside the total.',
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = numberFlag(process.argv, 'rounds');
  const durationSeconds = numberFlag(process.argv, 'duration');
  const connections = numberFlag(process.argv, 'connections');
  const result = await runServerBench({ ...(rounds !== undefined && { rounds }), ...(durationSeconds !== undefined && { durationSeconds }), ...(connections !== undefined && { connections }) });
  process.stdout.write(`${formatServerBench(result)}\n`);
}
