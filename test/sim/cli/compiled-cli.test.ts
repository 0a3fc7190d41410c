import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledState } from '../../../sim/cli/compiled-state.js';
import { OFFICER_TOKEN, spawnListening } from '../../server-stub/server-fixtures.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'sim/cli/bin.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const out = mkdtempSync(join(tmpdir(), 'checkin-sim-compiled-'));

/** The environment `npx checkin-sim` starts with, or the one that runs the sources whatever the state of dist/. */
function cliEnv(fromSources: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  if (fromSources) env.CHECKIN_SIM_FROM_SOURCES = '1';
  else delete env.CHECKIN_SIM_FROM_SOURCES;
  return env;
}

/** The CLI as `npx checkin-sim` starts it: the compiled code when dist/ is fresh. */
function checkinSim(args: string[], fromSources: boolean) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: cliEnv(fromSources), timeout: 120_000 });
}

/** `checkin-sim serve` as a user starts it, run until it listens, then stopped with SIGTERM: everything it wrote. */
async function serveUntilListening(): Promise<string> {
  const server = await spawnListening([BIN, 'serve', '--port', '0', '--officer-token', OFFICER_TOKEN], cliEnv(false));
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  return server.output();
}

const digestOf = (stdout: string) => /^digest ([0-9a-f]{64})$/m.exec(stdout)?.[1];

// `npm install` and `npm ci` build dist/; only a source edited since needs a new build (11 s of CPU).
beforeAll(() => {
  if (compiledState() === 'fresh') return;
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(build.status, build.stderr + build.stdout).toBe(0);
}, 150_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the compiled CLI', () => {
  it('answers --version with the package version', () => {
    const result = checkinSim(['--version'], false);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('gives the same bytes as the sources, worker threads included', () => {
    const args = (name: string) => ['run', 'scenarios/baseline.yaml', '--participants', '3000', '--days', '3', '--seed', '1', '--workers', '2', '--out', join(out, name)];
    const compiled = checkinSim(args('compiled'), false);
    const sources = checkinSim(args('sources'), true);
    expect(compiled.status, compiled.stderr).toBe(0);
    expect(compiled.stderr).not.toContain('running the TypeScript sources');
    expect(digestOf(compiled.stdout)).toMatch(/^[0-9a-f]{64}$/);
    expect(digestOf(compiled.stdout)).toBe(digestOf(sources.stdout));
    expect(readFileSync(join(out, 'compiled/summary.json'))).toEqual(readFileSync(join(out, 'sources/summary.json')));
  });

  it("gives each shard worker the engine in one CommonJS file, requiring none of the package's modules", () => {
    const worker = readFileSync(join(ROOT, 'dist/sim/engine/shard-worker.cjs'), 'utf8');
    const required = [...worker.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect(required).toContain('node:worker_threads');
    expect(required.filter((specifier) => !specifier!.startsWith('node:'))).toEqual([]);
    expect(worker).toContain('function simulateShard(');
  });

  it('loads the CLI from its bundle: chunks of its own, npm packages and node builtins, no module of tsc one by one', () => {
    const chunks = readdirSync(join(ROOT, 'dist/cli')).filter((file) => file.endsWith('.js'));
    const imported = chunks.flatMap((chunk) => [...readFileSync(join(ROOT, 'dist/cli', chunk), 'utf8').matchAll(/(?:from|import\() ?"([^"]+)"/g)].map((match) => match[1]!));
    const relative = imported.filter((specifier) => specifier.startsWith('.'));
    expect(relative.length).toBeGreaterThan(0);
    expect(relative.filter((specifier) => !/^\.\/[\w-]+\.js$/.test(specifier) || !chunks.includes(specifier.slice(2)))).toEqual([]);
  });

  it('starts the workers of a sweep and its studies from their compiled entries', () => {
    const result = checkinSim(['sweep', 'scenarios/threshold-sweep.yaml', '--participants', '500', '--days', '2', '--out', join(out, 'sweep')], false);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('running the TypeScript sources');
    expect(statSync(join(out, 'sweep/sweep.json')).size).toBeGreaterThan(0);
  });

  it('runs the sources, and says so once, once a source is newer than the build', async () => {
    const source = join(ROOT, 'sim/cli/main.ts');
    const { atime, mtime } = statSync(source);
    utimesSync(source, atime, new Date(Date.now() + 60_000));
    try {
      const result = checkinSim(['--version'], false);
      expect(result.stdout.trim()).toBe(VERSION);
      expect(result.stderr).toContain('running the TypeScript sources, which changed after dist/ was built');
      // serve runs the server in a child process of its own (server-v8-flags.ts), which must not say it again.
      expect((await serveUntilListening()).match(/running the TypeScript sources/g)).toHaveLength(1);
    } finally {
      utimesSync(source, atime, mtime);
    }
  }, 60_000);
});
