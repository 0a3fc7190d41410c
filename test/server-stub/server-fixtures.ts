import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildServer, type BuildDependencies } from '../../server-stub/build-server.ts';
import type { Clock } from '../../server-stub/clock.ts';
import type { ServerOptionsInput } from '../../server-stub/options.ts';
import { SERVER_V8_FLAGS } from '../../server-stub/server-v8-flags.ts';

/** Shared set-up of the server tests: a server with a known officer token, vectors, and short-hands. */

export const OFFICER_TOKEN = 'officer-token-for-tests-0001';
export const officer = { authorization: `Bearer ${OFFICER_TOKEN}` };
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export type StoreKind = 'memory' | 'sqlite';
export const STORE_KINDS: StoreKind[] = ['memory', 'sqlite'];

const tempDirs: string[] = [];

/** A fresh directory, removed by `removeTempDirs`. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'checkin-server-'));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A server for inject() tests: no housekeeping timer, silent, and no rate limit or event-loop load
 * shedding unless a test asks (a busy CI machine must not turn a route test into a 503).
 */
export function testServer(options: ServerOptionsInput = {}, store: StoreKind = 'memory', dependencies: BuildDependencies = {}): FastifyInstance {
  return buildServer({
    officerToken: OFFICER_TOKEN,
    housekeepingIntervalMs: 0,
    rateLimit: { max: 0 },
    overload: { maxEventLoopDelayMs: 0 },
    ...(store === 'sqlite' && { db: join(tempDir(), 'checkin.db') }),
    ...options,
  }, dependencies);
}

/** A virtual clock that stands still until the test sets it: retention is tested to the millisecond, whatever the machine's load. */
export function handClock(startMs: number): Clock & { set(ms: number): void } {
  let now = startMs;
  return { factor: 1, now: () => now, set: (ms) => void (now = ms) };
}

/** A deterministic random unit vector. */
export function unitVector(seed: string, dimension = 128): number[] {
  const random = seedrandom.alea(seed);
  const values = Array.from({ length: dimension }, () => random() - 0.5);
  const norm = Math.hypot(...values);
  return values.map((value) => value / norm);
}

/** A sample whose cosine similarity to the unit `template` is exactly `cosine`. */
export function sampleWithSimilarity(template: number[], cosine: number, seed = 'noise'): number[] {
  const noise = unitVector(seed, template.length);
  const along = noise.reduce((sum, value, index) => sum + value * template[index]!, 0);
  const orthogonal = noise.map((value, index) => value - along * template[index]!);
  const norm = Math.hypot(...orthogonal);
  const sine = Math.sqrt(1 - cosine * cosine);
  return template.map((value, index) => cosine * value + (sine * orthogonal[index]!) / norm);
}

export async function enrol(app: FastifyInstance, participantId: string, template = unitVector(participantId)): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v1/participants', headers: officer, payload: { participantId, template } });
  if (response.statusCode !== 201) throw new Error(`enrol ${participantId}: ${response.statusCode} ${response.body}`);
  return response.json<{ token: string }>().token;
}

export async function openWindow(
  app: FastifyInstance,
  participantId: string,
  windowId: string,
  extra: { kind?: 'scheduled' | 'adhoc'; openedAt?: number } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: `/v1/participants/${participantId}/windows`, headers: officer, payload: { windowId, kind: 'scheduled', ...extra } });
}

export function faceCheckIn(windowId: string, attemptId: string, sample: number[], extra: Record<string, unknown> = {}) {
  return { windowId, attemptId, modality: 'face', sample, capture: { livenessScore: 0.9 }, ...extra };
}

export async function postCheckIn(app: FastifyInstance, token: string, participantId: string, body: unknown): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: `/v1/participants/${participantId}/checkins`, headers: bearer(token), payload: body as InjectOptions['payload'] });
}

/** Checks the shape every error body has, and returns it. */
export function errorBody(response: LightMyRequestResponse): { code: string; message: string; field?: string } {
  return response.json<{ code: string; message: string; field?: string }>();
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote on stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `serve` in a child process and resolves once it prints its `listening on` line. `entry`
 * 'cli' runs the checkin-sim bin; 'standalone' runs server-stub/serve-main.ts, which does not depend
 * on the rest of the CLI. Either with the server's node flags, as `serve` gives them to the child
 * it serves from (server-stub/server-v8-flags.ts): so the process spawned is the server itself,
 * whose signals and CPU time are the server's.
 */
export function spawnServe(args: string[], entry: 'cli' | 'standalone' = 'standalone'): Promise<ServerProcess> {
  const script = entry === 'cli' ? ['sim/cli/bin.js'] : ['--import', 'tsx', 'server-stub/serve-main.ts'];
  return spawnListening([...SERVER_V8_FLAGS, ...script, 'serve', ...args]);
}

/** Runs node with `argv` from the repository root and resolves once it prints `listening on URL`. */
export function spawnListening(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> {
  const child = spawn(process.execPath, argv, { cwd: fileURLToPath(new URL('../..', import.meta.url)), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^listening on (http:\/\/\S+)$/m.exec(output);
      if (match !== null) resolve({ child, url: match[1]!, output: () => output, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code }) => reject(new Error(`${argv.join(' ')} exited with ${code} before listening:\n${output}`)));
  });
}
