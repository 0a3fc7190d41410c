import { spawn } from 'node:child_process';

/**
 * V8's flag for a garbage collector that runs on the main thread only. V8 reads GC flags once, when
 * the process starts (setting them later aborts it), so `serve` runs the server in a child process
 * started with the flag. Measured on 2 cores, the load generator on the same machine: 14–17 % more
 * check-ins per second; V8's helper GC threads otherwise compete with the one thread that serves.
 */
export const SINGLE_THREADED_GC_FLAG = '--single-threaded-gc';

const RELAYED_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export function hasSingleThreadedGc(): boolean {
  return process.execArgv.includes(SINGLE_THREADED_GC_FLAG);
}

/**
 * Runs this same command line again in a child process with the flag and becomes its shadow: the
 * child shares stdout and stderr (the server reads nothing from stdin), gets every SIGTERM, SIGINT and
 * SIGHUP sent here (it is in a process group of its own, so a terminal's Ctrl-C reaches it once,
 * through here), and this process exits as the child did. If this process dies without relaying,
 * the child sees its IPC channel close and shuts down (`shutDownWhenParentLeaves`).
 */
export function rerunWithSingleThreadedGc(): void {
  const child = spawn(process.execPath, [...process.execArgv, SINGLE_THREADED_GC_FLAG, ...process.argv.slice(1)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  const relay = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of RELAYED_SIGNALS) process.on(signal, relay);
  child.once('error', (error) => {
    process.stderr.write(`cannot start the server with ${SINGLE_THREADED_GC_FLAG}: ${error.message}\n`);
    process.exitCode = 1;
  });
  child.once('exit', (code, signal) => {
    for (const name of RELAYED_SIGNALS) process.off(name, relay);
    if (signal === null) process.exitCode = code ?? 1;
    else process.kill(process.pid, signal);
  });
}

/** In a child started by `rerunWithSingleThreadedGc`, calls `shutDown` once the parent is gone (a 'disconnect' listener). */
export function shutDownWhenParentLeaves(shutDown: () => void): void {
  if (process.channel === undefined) return;
  process.on('disconnect', shutDown);
  // The channel must not keep the process alive once the server has closed.
  process.channel.unref();
}
