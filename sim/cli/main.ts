import { runProgram } from './program.ts';

// A command may have set its own exit status (serve does on a failed close); 0 leaves it be.
const status = await runProgram(process.argv.slice(2));
if (status !== 0) process.exitCode = status;
