import { Command } from 'commander';
import { namedIntegerFlag, namedNumberFlag } from '../scenarios/common/flag-parsers.ts';
import { ServerError } from './errors.ts';
import { readDataFile } from './read-data-file.ts';
import { hasServerV8Flags, rerunWithServerV8Flags, shutDownWhenParentLeaves, SERVER_V8_FLAGS } from './server-v8-flags.ts';
import { startServer } from './start-server.ts';
import type { ServerOptionsInput } from './options.ts';

interface ServeFlags {
  port: number;
  host: string;
  config?: string;
  db?: string;
  clockFactor?: number;
  clockStart?: number;
  threshold?: number;
  voiceThreshold?: number;
  faults?: string;
  faultSeed?: number;
  officerToken?: string;
  logLevel?: string;
  requestTimeout?: number;
  headersTimeout?: number;
  keepAliveTimeout?: number;
  maxConnections?: number;
  parallelGc?: true;
}

/**
 * `checkin-sim serve`: runs the reference server until SIGTERM or SIGINT. Prints exactly one line on
 * stdout, `listening on http://HOST:PORT`, once it accepts requests (drivers and tests parse it).
 * Option errors print `SRV_ERR_*: field: what was expected` and exit with status 2. Unless given
 * --parallel-gc, or already started with node's --single-threaded-gc and --no-concurrent-recompilation,
 * it serves from a child process started with them (server-stub/server-v8-flags.ts).
 */
export function serveCommand(): Command {
  return new Command('serve')
    .description('run the reference check-in server (synthetic participants only)')
    .requiredOption('--port <port>', 'TCP port; 0 picks a free one', namedIntegerFlag('--port', 0, 65_535))
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--config <file>', 'server options as YAML or JSON (the flags below override it); see server-stub/README.md')
    .option('--db <file>', 'SQLite database file (WAL); in memory when absent')
    .option('--clock-factor <factor>', 'virtual ms per wall ms', namedNumberFlag('--clock-factor'))
    .option('--clock-start <ms>', 'virtual time at start, in ms (default: the wall clock)', namedIntegerFlag('--clock-start', 0, Number.MAX_SAFE_INTEGER))
    .option('--threshold <similarity>', 'face-match threshold (cosine similarity)', namedNumberFlag('--threshold'))
    .option('--voice-threshold <similarity>', 'voice-match threshold (cosine similarity)', namedNumberFlag('--voice-threshold'))
    .option('--faults <file>', 'faults to inject from the start, as YAML or JSON')
    .option('--fault-seed <seed>', 'seed of fault draws', namedIntegerFlag('--fault-seed', 0, 2 ** 32 - 1))
    .option('--officer-token <token>', 'officer/admin bearer token (default: $CHECKIN_OFFICER_TOKEN, else made up and printed on stderr)')
    .option('--log-level <level>', 'silent, fatal, error, warn, info or debug')
    .option('--request-timeout <ms>', 'ms to receive a whole request, else 408 and the connection closed; 0 = none (default 10000)', namedIntegerFlag('--request-timeout', 0, 3_600_000))
    .option('--headers-timeout <ms>', 'ms to receive the headers of a request, at most --request-timeout; 0 = none (default 5000)', namedIntegerFlag('--headers-timeout', 0, 3_600_000))
    .option('--keep-alive-timeout <ms>', 'ms an idle connection stays open between requests (default 5000)', namedIntegerFlag('--keep-alive-timeout', 1, 3_600_000))
    .option('--max-connections <n>', 'connections open at once; more are closed at once; 0 = no limit (default 2048)', namedIntegerFlag('--max-connections', 0, 1_000_000))
    .option('--parallel-gc', `keep V8's parallel garbage collector and background compiler and serve from this process (by default the server runs in a child process with ${SERVER_V8_FLAGS.join(' ')}, faster when the load generator shares the cores)`)
    .action(serve);
}

async function serve(flags: ServeFlags): Promise<void> {
  if (flags.parallelGc === undefined && !hasServerV8Flags()) {
    rerunWithServerV8Flags();
    return;
  }
  const options = optionsFromFlags(flags);
  const server = await startServer(options, { port: flags.port, host: flags.host });
  const shutdown = () => {
    process.off('SIGTERM', shutdown);
    process.off('SIGINT', shutdown);
    process.off('disconnect', shutdown);
    server.close().catch((error: unknown) => {
      process.stderr.write(`error while closing: ${String(error)}\n`);
      process.exitCode = 1;
    });
  };
  // Handlers first: whoever reads the line below may signal at once.
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  shutDownWhenParentLeaves(shutdown);
  if (options.officerToken === undefined) process.stderr.write(`officer token (made up at start): ${server.app.checkin.officerToken}\n`);
  process.stdout.write(`listening on ${server.url}\n`);
}

function optionsFromFlags(flags: ServeFlags): ServerOptionsInput {
  const base = flags.config === undefined ? {} : readDataFile(flags.config, 'config');
  if (base === null || typeof base !== 'object' || Array.isArray(base)) {
    throw new ServerError('SRV_ERR_FILE', `${flags.config} holds no mapping; expected a mapping of server options`, 'config');
  }
  const config = base as ServerOptionsInput;
  const officerToken = flags.officerToken ?? process.env.CHECKIN_OFFICER_TOKEN ?? config.officerToken;
  return {
    ...config,
    ...(flags.db !== undefined && { db: flags.db }),
    ...(officerToken !== undefined && { officerToken }),
    ...(flags.faults !== undefined && { faults: readDataFile(flags.faults, 'faults') as ServerOptionsInput['faults'] }),
    ...(flags.faultSeed !== undefined && { faultSeed: flags.faultSeed }),
    ...(flags.logLevel !== undefined && { logLevel: flags.logLevel as ServerOptionsInput['logLevel'] }),
    http: {
      ...config.http,
      ...(flags.requestTimeout !== undefined && { requestTimeoutMs: flags.requestTimeout }),
      ...(flags.headersTimeout !== undefined && { headersTimeoutMs: flags.headersTimeout }),
      ...(flags.keepAliveTimeout !== undefined && { keepAliveTimeoutMs: flags.keepAliveTimeout }),
      ...(flags.maxConnections !== undefined && { maxConnections: flags.maxConnections }),
    },
    clock: {
      ...config.clock,
      ...(flags.clockFactor !== undefined && { factor: flags.clockFactor }),
      ...(flags.clockStart !== undefined && { startMs: flags.clockStart }),
    },
    policy: {
      ...config.policy,
      ...(flags.threshold !== undefined && { faceThreshold: flags.threshold }),
      ...(flags.voiceThreshold !== undefined && { voiceThreshold: flags.voiceThreshold }),
    },
  };
}
