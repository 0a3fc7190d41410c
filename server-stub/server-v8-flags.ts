import { spawn } from 'node:child_process';

/**
 * V8's flag for a garbage collector that runs on the main thread only. V8 reads GC flags once, when
 * the process starts (setting them later aborts it), so `serve` runs the server in a child process
 * started with the flag. Measured on 2 cores, the load generator on the same machine: 14–17 % more
 * check-ins per second; V8's helper GC threads otherwise compete with the one thread that serves.
 */
const SINGLE_THREADED_GC_FLAG = '--single-threaded-gc';

/**
 * V8's flag that has the thread that serves compile its own optimized code rather than hand it to
 * background threads, which compete with it for its core. V8 reads it when it creates the process's
 * isolate. With the server on one core and the load generator on another, the in-memory server
 * answered 1.20× as many check-ins a second with it (1.02–1.29 in 5 rounds, side by side, each server
 * also with --single-threaded-gc), and the bare POST of test/bench 1.05× (1.01–1.11).
 */
const SYNCHRONOUS_OPTIMIZATION_FLAG = '--no-concurrent-recompilation';

/** The node flags `serve` runs the server with. */
export const SERVER_V8_FLAGS: readonly string[] = [SINGLE_THREADED_GC_FLAG, SYNCHRONOUS_OPTIMIZATION_FLAG];

const RELAYED_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

function missingServerV8Flags(): string[] {
  return SERVER_V8_FLAGS.filter((flag) => !process.execArgv.includes(flag));
}

export function hasServerV8Flags(): boolean {
  return missingServerV8Flags().length === 0;
}

/**
 * Runs this same command line again in a child process with the flags and becomes its shadow: the
 * child shares stdout and stderr (the server reads nothing from stdin), gets every SIGTERM, SIGINT and
 * SIGHUP sent here (it is in a process group of its own, so a terminal's Ctrl-C reaches it once,
 * through here), and this process exits as the child did. If this process dies without relaying,
 * the child sees its IPC channel close and shuts down (`shutDownWhenParentLeaves`).
 */
export function rerunWithServerV8Flags(): void {
  const child = spawn(process.execPath, [...process.execArgv, ...missingServerV8Flags(), ...process.argv.slice(1)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  const relay = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of RELAYED_SIGNALS) process.on(signal, relay);
  child.once('error', (error) => {
    process.stderr.write(`cannot start the server with ${SERVER_V8_FLAGS.join(' ')}: ${error.message}\n`);
    process.exitCode = 1;
  });
  child.once('exit', (code, signal) => {
    for (const name of RELAYED_SIGNALS) process.off(name, relay);
    if (signal === null) process.exitCode = code ?? 1;
    else process.kill(process.pid, signal);
  });
}

/** In a child started by `rerunWithServerV8Flags`, calls `shutDown` once the parent is gone (a 'disconnect' listener). */
export function shutDownWhenParentLeaves(shutDown: () => void): void {
  if (process.channel === undefined) return;
  process.on('disconnect', shutDown);
  // The channel must not keep the process alive once the server has closed.
  process.channel.unref();
}
