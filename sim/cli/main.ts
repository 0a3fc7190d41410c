import { Command, CommanderError } from 'commander';
import { ScenarioError } from '../../scenarios/index.ts';
import { CliError, USAGE_EXIT_CODE } from './cli-errors.ts';
import { runCommand } from './run-command.ts';

const program = new Command('checkin-sim')
  .description('Deterministic simulation and load-testing harness for a remote check-in fleet (synthetic participants only)')
  .showHelpAfterError()
  .exitOverride()
  .addCommand(runCommand());
for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

/** Bad input of any kind (flags, scenario files) exits with status 2 after one clear message. */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its message already; help and version exit 0.
    return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  }
  if (error instanceof ScenarioError || error instanceof CliError) {
    process.stderr.write(`${error.message}\n`);
    return USAGE_EXIT_CODE;
  }
  throw error;
}
