import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT_STATUS, exitStatusFor } from '../../scenarios/common/coded-error.ts';
import type { CliErrorCode } from './cli-errors.ts';
import { packageFile } from '../../scenarios/common/package-files.ts';

const { version } = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };

/**
 * The commands, each loaded only when asked for: a command's module brings the simulator, the server
 * or the report renderer with it, and `--version` or one command should not pay for all of them.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  run: async () => (await import('./run-command.ts')).runCommand(),
  serve: async () => (await import('../../server-stub/serve-command.ts')).serveCommand(),
  sweep: async () => (await import('./sweep-command.ts')).sweepCommand(),
  compare: async () => (await import('./compare-command.ts')).compareCommand(),
  capacity: async () => (await import('./capacity-command.ts')).capacityCommand(),
  'export-k6': async () => (await import('./export-k6-command.ts')).exportK6Command(),
  replay: async () => (await import('./replay-command.ts')).replayCommand(),
  report: async () => (await import('./report-command.ts')).reportCommand(),
};

/** The commands this invocation needs: the one named, none for --version, all for help or a mistake. */
function commandsFor(args: readonly string[]): string[] {
  const named = args.find((arg) => !arg.startsWith('-'));
  if (named !== undefined && named in COMMANDS) return [named];
  if (named === undefined && (args.includes('--version') || args.includes('-V'))) return [];
  return Object.keys(COMMANDS);
}

/**
 * Parses `args` (the command line after `checkin-sim`), runs the command they name and returns the
 * status to exit with. Help, output and errors go to process.stdout and process.stderr.
 */
export async function runProgram(args: readonly string[]): Promise<number> {
  const program = new Command('checkin-sim')
    .version(version, '-V, --version', 'print the version')
    .description('Deterministic simulation and load-testing harness for a remote check-in fleet (synthetic participants only)');
  for (const name of commandsFor(args)) {
    program.addCommand((await COMMANDS[name]!()).version(version, '-V, --version', 'print the version'));
  }
  for (const command of [program, ...program.commands]) {
    // Errors are printed once, with their code, by reportError below.
    command.exitOverride().configureOutput({ outputError: () => {} });
  }
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

/** One clear message, then the exit status: 2 for bad input of any kind, 3 for a run that could not complete. */
function reportError(error: unknown): number {
  if (!(error instanceof CommanderError)) return exitStatusFor(error);
  if (error.exitCode === 0) return 0; // --help, --version
  const code: CliErrorCode = error.code === 'commander.invalidArgument' ? 'CLI_ERR_INVALID_FLAG' : 'CLI_ERR_USAGE';
  process.stderr.write(`${code}: ${error.message.replace(/^error: /, '')}\n(run with --help for usage)\n`);
  return EXIT_STATUS.badInput;
}
