import { formatSimBench, runSimBench } from './sim-throughput.ts';
import { runServerBench } from './server-throughput.ts';
import { formatDriverBench, runDriverBench } from './driver-throughput.ts';

/** `npm run bench`: every benchmark, its figures printed (Markdown tables, JSON for the server's). */
process.stdout.write(`${formatSimBench(runSimBench())}\n\n`);
process.stdout.write(`## reference server: check-in route vs hello-world (autocannon)\n${JSON.stringify(await runServerBench(), null, 2)}\n\n`);
process.stdout.write(`${formatDriverBench(await runDriverBench())}\n`);
