import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { runProgram } from '../../sim/cli/program.ts';

const BIN = fileURLToPath(new URL('../../sim/cli/bin.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the checkin-sim command as a user would, in a child process. */
export function runCli(args: readonly string[], timeoutMs = 120_000): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The checkin-sim program run in this process, where a child process would add only its start-up
 * (about 2 s of tsx): the status the process would exit with, and what it wrote. Spawned runs (runCli)
 * keep covering bin.js and main.ts, and whatever needs a process of its own (runs compared byte for byte).
 */
export async function runCliInProcess(args: readonly string[]): Promise<CliResult> {
  const written = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      written[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    });
  const streams = [capture('stdout'), capture('stderr')];
  try {
    const status = await runProgram(args);
    return { status, ...written };
  } finally {
    for (const stream of streams) stream.mockRestore();
  }
}
