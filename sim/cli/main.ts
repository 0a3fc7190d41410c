import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT_STATUS, exitStatusFor } from '../../scenarios/common/coded-error.ts';
import type { CliErrorCode } from './cli-errors.ts';
import { runCommand } from './run-command.ts';
import { sweepCommand } from './sweep-command.ts';
import { compareCommand } from './compare-command.ts';
import { serveCommand } from '../../server-stub/serve-command.ts';
import { capacityCommand } from './capacity-command.ts';
import { exportK6Command } from './export-k6-command.ts';
import { replayCommand } from './replay-command.ts';
import { reportCommand } from './report-command.ts';
import { packageFile } from '../runtime/package-files.ts';

const { version } = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };

const program = new Command('checkin-sim')
  .version(version, '-V, --version', 'print the version')
  .description('Deterministic simulation and load-testing harness for a remote check-in fleet (synthetic participants only)')
  .addCommand(runCommand())
  .addCommand(serveCommand())
  .addCommand(sweepCommand())
  .addCommand(compareCommand())
  .addCommand(capacityCommand())
  .addCommand(exportK6Command())
  .addCommand(replayCommand())
  .addCommand(reportCommand());
for (const command of [program, ...program.commands]) {
  // Errors are printed once, with their code, by reportError below.
  command.exitOverride().configureOutput({ outputError: () => {} });
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

/** One clear message, then the exit status: 2 for bad input of any kind, 3 for a run that could not complete. */
function reportError(error: unknown): number {
  if (!(error instanceof CommanderError)) return exitStatusFor(error);
  if (error.exitCode === 0) return 0; // --help, --version
  const code: CliErrorCode = error.code === 'commander.invalidArgument' ? 'CLI_ERR_INVALID_FLAG' : 'CLI_ERR_USAGE';
  process.stderr.write(`${code}: ${error.message.replace(/^error: /, '')}\n(run with --help for usage)\n`);
  return EXIT_STATUS.badInput;
}
