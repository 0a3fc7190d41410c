import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DriveError } from '../backends/drive-errors.ts';
import { loadTestServerOptions } from './load-test-server.ts';
import type { ServerOptionsInput } from '../../server-stub/options.ts';
import { SERVER_V8_FLAGS } from '../../server-stub/server-v8-flags.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { packageFile } from '../../scenarios/common/package-files.ts';

const BIN = packageFile('sim/cli/bin.js');
const START_TIMEOUT_MS = 30_000;

export interface ServerProcess {
  url: string;
  officerToken: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The reference server in a child process of its own (so that it does not share the driver's event
 * loop), judging with the scenario's policy, its virtual clock running at the run's compression.
 * Started with the GC flag `serve` would re-run itself with, so the child is the server (its pid).
 */
export async function startServerProcess(
  scenario: Scenario,
  compression: number,
  extraOptions: ServerOptionsInput = {},
  /** Server virtual time at start; the scenario instant the run starts from keeps every window's time ≥ 0. */
  clockStartMs = 0,
): Promise<ServerProcess> {
  const officerToken = randomBytes(24).toString('hex');
  const directory = mkdtempSync(join(tmpdir(), 'checkin-sim-server-'));
  const config = join(directory, 'server.json');
  writeFileSync(
    config,
    JSON.stringify({
      ...loadTestServerOptions(scenario, compression),
      clock: { factor: compression, startMs: Math.round(clockStartMs) },
      officerToken,
      ...extraOptions,
    } satisfies ServerOptionsInput),
  );
  const child = spawn(process.execPath, [...SERVER_V8_FLAGS, BIN, 'serve', '--port', '0', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const cleanUp = () => rmSync(directory, { recursive: true, force: true });
  try {
    const url = await listeningUrl(child, () => stderr);
    return { url, officerToken, pid: child.pid!, stop: () => stopChild(child).finally(cleanUp) };
  } catch (error) {
    child.kill('SIGKILL');
    cleanUp();
    throw error;
  }
}

function listeningUrl(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new DriveError('DRV_ERR_SERVER_START', `no "listening on" line within ${START_TIMEOUT_MS} ms; stderr: ${stderr()}`)), START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^listening on (http:\/\/\S+)$/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]!);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new DriveError('DRV_ERR_SERVER_START', `the server exited with code ${code} before listening; stderr: ${stderr()}`));
    });
  });
}

/** SIGTERM, then SIGKILL if the child has not exited within 5 s; resolves once it has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
