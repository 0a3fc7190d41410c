import { formatSimBench, runSimBench } from './sim-throughput.ts';

/** `npm run bench`: every benchmark, its figures printed as Markdown tables. */
process.stdout.write(`${formatSimBench(runSimBench())}\n`);
