import { Command } from 'commander';
import { runCommand } from './run-command.ts';

const program = new Command('checkin-sim')
  .description('Deterministic simulation and load-testing harness for a remote check-in fleet (synthetic participants only)')
  .showHelpAfterError()
  .addCommand(runCommand());

await program.parseAsync(process.argv);
