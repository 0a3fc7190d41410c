// Runs `serve` on its own, for tests and benchmarks that must not depend on the rest of the CLI:
// node --import tsx server-stub/serve-main.ts serve --port 0
// Usage and startup errors exit with status 2, as they do under checkin-sim.
import { Command, CommanderError } from 'commander';
import { EXIT_STATUS, exitStatusFor } from '../scenarios/common/coded-error.ts';
import { serveCommand } from './serve-command.ts';

const program = new Command('checkin-server').addCommand(serveCommand());
for (const command of [program, ...program.commands]) command.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) process.exitCode = exitStatusFor(error);
  else process.exitCode = error.exitCode === 0 ? 0 : EXIT_STATUS.badInput;
}
