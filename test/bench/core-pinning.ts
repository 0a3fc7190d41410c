import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * The load generator on one core and each server it measures on another, with util-linux's taskset,
 * as load tests keep the two apart. Left to the scheduler, a server and autocannon on two cores were
 * placed in ways that differed from one server process to the next: three processes of one and the
 * same in-memory server, started side by side in one round, measured 0.450, 0.625 and 0.687 of the
 * bare POST, with the same share of their CPU time in every function (CPU profiles of the slowest and
 * fastest): a placement, not a code path. Pinned, the three agreed within each round (0.634, 0.661,
 * 0.662; 0.550, 0.619, 0.626; 0.703, 0.710, 0.716; 2026-12-02).
 */
export interface CorePinning {
  /** How the bench placed its processes, for the report. */
  description: string;
  /** Puts a server process, every thread of it, on the servers' core. */
  pinServer(pid: number): void;
  /** Gives the load generator back the cores it had. */
  restore(): void;
}

const LOAD_GENERATOR_CORE = 0;
const SERVER_CORE = 1;

/** Pins this process (the load generator) to its core; without two cores or taskset, pins nothing and says so. */
export function pinLoadGenerator(): CorePinning {
  if (availableParallelism() < 2) return unpinned('one core: the load generator and the servers share it');
  let previousMask: string;
  try {
    previousMask = /([0-9a-f]+)\s*$/i.exec(execFileSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' }))![1]!;
  } catch {
    return unpinned('not pinned to cores: taskset (util-linux) is not available');
  }
  setCore(process.pid, String(LOAD_GENERATOR_CORE));
  return {
    description: `the load generator on core ${LOAD_GENERATOR_CORE}, each server (all its threads) on core ${SERVER_CORE} (taskset)`,
    pinServer: (pid) => setCore(pid, String(SERVER_CORE)),
    restore: () => execFileSync('taskset', ['-a', '-p', previousMask, String(process.pid)], { stdio: 'ignore' }),
  };
}

function setCore(pid: number, core: string): void {
  execFileSync('taskset', ['-a', '-cp', core, String(pid)], { stdio: 'ignore' });
}

function unpinned(description: string): CorePinning {
  return { description, pinServer: () => {}, restore: () => {} };
}
