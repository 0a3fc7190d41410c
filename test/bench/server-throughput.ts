/**
 * Check-ins per second of the reference server on loopback, next to a bare fastify hello-world
 * measured in the same run: autocannon against POST /v1/participants/:id/checkins with a fresh
 * attempt id per request (every request is judged and stored; none is a replay), with the in-memory
 * store and with SQLite (WAL), the sample in base64 as drive mode sends it. Each server runs in its
 * own process; rounds interleave the targets; medians over rounds. Targets: check-in ≥ 0.5×
 * hello-world (memory), ≥ 0.3× (SQLite). Two more targets: `bareCheckInPost`, a bare fastify route
 * that validates the same bodies with the same schema and does nothing else (what reading and
 * validating a check-in costs before any work), and `checkInMemoryJsonArray`, the in-memory server
 * with the sample as a JSON array of 128 numbers, the other form the API takes.
 *
 * The check-in requests are all distinct and built before the run, a list per connection
 * (distinct-requests.ts), so that the load generator (which shares the machine's cores with the
 * server) does no more work per request than it does for the hello-world; a list that ran out would
 * wrap into replays, which count as unexpected.
 *
 *   node --import tsx test/bench/server-throughput.ts [--rounds 3] [--duration 5] [--connections 10]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import { encodeSampleBase64 } from '../../server-stub/sample-encoding.ts';
import { loadScenario } from '../../scenarios/index.ts';
import { buildPopulation } from '../../sim/population/population.ts';
import { syntheticPersonalRecord } from '../../sim/population/profile-card.ts';
import { distinctRequests } from './distinct-requests.ts';
import { OFFICER_TOKEN, removeTempDirs, spawnListening, spawnServe, tempDir, unitVector, type ServerProcess } from '../server-stub/server-fixtures.ts';

export interface BenchSettings {
  rounds: number;
  durationSeconds: number;
  connections: number;
  /** Participants enrolled per check-in server; each takes up to 20 attempts in its window. */
  participants: number;
}

export interface TargetFigures {
  requestsPerSecond: number[];
  p50Ms: number[];
  p99Ms: number[];
  /** CPU time of the server process per request answered (µs): its cost, whatever else shares the machine. */
  serverCpuUsPerRequest: number[];
  /** Responses other than the expected status, errors and timeouts (should be 0). */
  unexpected: number;
}

export interface ServerBenchResult {
  settings: BenchSettings;
  targets: Record<'helloWorld' | 'bareCheckInPost' | 'checkInMemory' | 'checkInMemoryJsonArray' | 'checkInSqlite', TargetFigures & { median: { requestsPerSecond: number; p50Ms: number; p99Ms: number; serverCpuUsPerRequest: number } }>;
  /** Median check-in rates over the median hello-world rate (and over the bare POST). */
  ratios: { memory: number; sqlite: number; memoryJsonArray: number; memoryToBarePost: number; sqliteToBarePost: number };
  /** The same ratios from server CPU per request (hello-world's over the check-in's): requests a core can serve, relative. */
  cpuRatios: { memory: number; sqlite: number; memoryJsonArray: number };
  meetsTargets: boolean;
}

const DEFAULTS: BenchSettings = { rounds: 3, durationSeconds: 5, connections: 10, participants: 4000 };
const MAX_ATTEMPTS = 20;
const DIMENSION = 128;
// Check-in requests built per second of run: above any rate this machine reaches, so no list runs out.
const PREBUILT_PER_SECOND = 15_000;
// USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux this runs on.
const CLOCK_TICKS_PER_SECOND = 100;

export async function runServerBench(overrides: Partial<BenchSettings> = {}): Promise<ServerBenchResult> {
  const settings = { ...DEFAULTS, ...overrides };
  const figures = { helloWorld: empty(), bareCheckInPost: empty(), checkInMemory: empty(), checkInMemoryJsonArray: empty(), checkInSqlite: empty() };
  const bare = () => spawnListening(['--import', 'tsx', 'test/bench/server-hello-world.ts']);
  const noTokens = Array.from({ length: settings.participants }, () => 'none');
  try {
    for (let round = 0; round < settings.rounds; round++) {
      await measure(figures.helloWorld, 200, bare, async (url) => ({ url: `${url}/`, connections: settings.connections, duration: settings.durationSeconds }));
      await measure(figures.bareCheckInPost, 201, bare, async (url) => checkInRequests(url, settings, noTokens, 'base64'));
      await measure(figures.checkInMemory, 201, () => checkInServer(false), async (url) => checkInRequests(url, settings, await enrolFleet(url, settings), 'base64'));
      await measure(figures.checkInMemoryJsonArray, 201, () => checkInServer(false), async (url) => checkInRequests(url, settings, await enrolFleet(url, settings), 'array'));
      await measure(figures.checkInSqlite, 201, () => checkInServer(true), async (url) => checkInRequests(url, settings, await enrolFleet(url, settings), 'base64'));
    }
  } finally {
    removeTempDirs();
  }
  const withMedians = Object.fromEntries(
    Object.entries(figures).map(([name, target]) => [
      name,
      {
        ...target,
        median: { requestsPerSecond: median(target.requestsPerSecond), p50Ms: median(target.p50Ms), p99Ms: median(target.p99Ms), serverCpuUsPerRequest: median(target.serverCpuUsPerRequest) },
      },
    ]),
  ) as ServerBenchResult['targets'];
  const rate = (name: keyof ServerBenchResult['targets']) => withMedians[name].median.requestsPerSecond;
  const ratios = {
    memory: rate('checkInMemory') / rate('helloWorld'),
    sqlite: rate('checkInSqlite') / rate('helloWorld'),
    memoryJsonArray: rate('checkInMemoryJsonArray') / rate('helloWorld'),
    memoryToBarePost: rate('checkInMemory') / rate('bareCheckInPost'),
    sqliteToBarePost: rate('checkInSqlite') / rate('bareCheckInPost'),
  };
  const cpu = (name: keyof ServerBenchResult['targets']) => withMedians[name].median.serverCpuUsPerRequest;
  const cpuRatios = {
    memory: cpu('helloWorld') / cpu('checkInMemory'),
    sqlite: cpu('helloWorld') / cpu('checkInSqlite'),
    memoryJsonArray: cpu('helloWorld') / cpu('checkInMemoryJsonArray'),
  };
  return { settings, targets: withMedians, ratios, cpuRatios, meetsTargets: ratios.memory >= 0.5 && ratios.sqlite >= 0.3 };
}

function empty(): TargetFigures {
  return { requestsPerSecond: [], p50Ms: [], p99Ms: [], serverCpuUsPerRequest: [], unexpected: 0 };
}

async function measure(into: TargetFigures, expectedStatus: number, start: () => Promise<ServerProcess>, prepare: (url: string) => Promise<autocannon.Options>): Promise<void> {
  const server = await start();
  try {
    const options = await prepare(server.url);
    const cpuBefore = processCpuMs(server.child.pid!);
    const result = await autocannon(options);
    into.serverCpuUsPerRequest.push(((processCpuMs(server.child.pid!) - cpuBefore) * 1000) / result.requests.total);
    into.requestsPerSecond.push(result.requests.average);
    into.p50Ms.push(result.latency.p50);
    into.p99Ms.push(result.latency.p99);
    const expected = (result.statusCodeStats as Record<string, { count: number }>)[expectedStatus]?.count ?? 0;
    into.unexpected += result.requests.total - expected + result.errors + result.timeouts;
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

/** User and system CPU time of a process so far (ms), from /proc (Linux). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function checkInServer(sqlite: boolean): Promise<ServerProcess> {
  const dir = tempDir();
  const config = join(dir, 'server.json');
  writeFileSync(config, JSON.stringify({ policy: { maxAttempts: MAX_ATTEMPTS, windowMinutes: 100_000 }, rateLimit: { max: 1000 } }));
  return spawnServe(['--port', '0', '--officer-token', OFFICER_TOKEN, '--config', config, ...(sqlite ? ['--db', join(dir, 'bench.db')] : [])]);
}

/** Enrols the participants, each with its synthetic personal record as drive mode sends it, and opens one window each; returns their tokens. */
async function enrolFleet(url: string, settings: BenchSettings): Promise<string[]> {
  const agent = new Agent({ connections: 16 });
  const officer = { authorization: `Bearer ${OFFICER_TOKEN}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const response = await request(`${url}${path}`, { method: 'POST', headers: officer, body: JSON.stringify(body), dispatcher: agent });
    const text = await response.body.text();
    if (response.statusCode !== 201) throw new Error(`${path}: ${response.statusCode} ${text}`);
    return JSON.parse(text) as { tokens?: { token: string }[] };
  };
  const template = unitVector('bench', DIMENSION);
  const scenario = loadScenario({ overrides: { participants: settings.participants } });
  const population = buildPopulation(scenario, 0, settings.participants);
  const tokens: string[] = [];
  for (let from = 0; from < settings.participants; from += 2000) {
    const batch = Array.from({ length: Math.min(2000, settings.participants - from) }, (_, i) => ({
      participantId: `b-${from + i}`,
      template,
      personalRecord: syntheticPersonalRecord(scenario.seed, population, from + i),
    }));
    tokens.push(...(await post('/v1/participants/bulk', { participants: batch })).tokens!.map((entry) => entry.token));
  }
  for (let from = 0; from < settings.participants; from += 64) {
    const ids = Array.from({ length: Math.min(64, settings.participants - from) }, (_, i) => from + i);
    await Promise.all(ids.map((index) => post(`/v1/participants/b-${index}/windows`, { windowId: 'w', kind: 'scheduled' })));
  }
  await agent.close();
  return tokens;
}

/** Check-in requests with fresh attempt ids, cycling through the participants, built before the run. */
function checkInRequests(url: string, settings: BenchSettings, tokens: string[], form: 'base64' | 'array'): autocannon.Options {
  // A sample at similarity ~0.7 to the template; only the participant and attempt id change per request.
  const sample = unitVector('bench', DIMENSION).map((value, index) => value + 0.1 * Math.sin(index * 12.9898));
  const encoded = form === 'base64' ? `"sampleBase64":"${encodeSampleBase64(sample)}"` : `"sample":${JSON.stringify(sample)}`;
  const rest = `","modality":"face",${encoded},"capture":{"livenessScore":0.9}}`;
  const perConnection = Math.ceil((PREBUILT_PER_SECOND * settings.durationSeconds) / settings.connections);
  if (perConnection * settings.connections > settings.participants * MAX_ATTEMPTS) throw new Error('too few participants for the attempts prebuilt');
  return distinctRequests({ url, connections: settings.connections, duration: settings.durationSeconds }, perConnection, (n) => {
    // Connection k takes the participants k, k + connections, k + 2·connections, …: no two connections send for one participant at once.
    const participant = ((n % perConnection) * settings.connections + Math.floor(n / perConnection)) % settings.participants;
    return {
      method: 'POST',
      path: `/v1/participants/b-${participant}/checkins`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[participant]}` },
      body: `{"windowId":"w","attemptId":"a-${n}${rest}`,
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function flag(name: string): number | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : Number(process.argv[index + 1]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runServerBench({
    ...(flag('rounds') !== undefined && { rounds: flag('rounds')! }),
    ...(flag('duration') !== undefined && { durationSeconds: flag('duration')! }),
    ...(flag('connections') !== undefined && { connections: flag('connections')! }),
  });
  const { rounds, durationSeconds, connections } = result.settings;
  console.log(`server throughput: ${rounds} rounds × ${durationSeconds} s, ${connections} connections, loopback, medians`);
  for (const [name, target] of Object.entries(result.targets)) {
    const { requestsPerSecond, p50Ms, p99Ms, serverCpuUsPerRequest } = target.median;
    console.log(
      `  ${name.padEnd(22)} ${requestsPerSecond.toFixed(0).padStart(7)} req/s   p50 ${p50Ms.toFixed(1)} ms   p99 ${p99Ms.toFixed(1)} ms   server CPU ${serverCpuUsPerRequest.toFixed(0)} µs/req   runs: ${target.requestsPerSecond.map((v) => v.toFixed(0)).join(', ')}   unexpected: ${target.unexpected}`,
    );
  }
  const { memory, sqlite, memoryJsonArray, memoryToBarePost, sqliteToBarePost } = result.ratios;
  console.log(`  ratio to hello-world: memory ${memory.toFixed(2)} (target ≥ 0.5), SQLite ${sqlite.toFixed(2)} (target ≥ 0.3); memory with the JSON-array sample ${memoryJsonArray.toFixed(2)}`);
  console.log(`  the same from server CPU per request: memory ${result.cpuRatios.memory.toFixed(2)}, SQLite ${result.cpuRatios.sqlite.toFixed(2)}; memory with the JSON-array sample ${result.cpuRatios.memoryJsonArray.toFixed(2)}`);
  console.log(`  ratio to the bare POST of the same bodies: memory ${memoryToBarePost.toFixed(2)}, SQLite ${sqliteToBarePost.toFixed(2)}`);
  console.log(`  targets ${result.meetsTargets ? 'met' : 'not met'}`);
}
