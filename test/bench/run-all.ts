import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatSimBench, runSimBench } from './sim-throughput.ts';
import { formatStudyCostBench, runStudyCostBench } from './study-cost.ts';
import { formatServerBench, runServerBench } from './server-throughput.ts';
import { formatDriverBench, runDriverBench } from './driver-throughput.ts';
import { describeMachine, machine, numberFlag } from './bench-report.ts';
import { performancePage, type BenchRun } from './performance-page.ts';

/**
 * `npm run bench`: every benchmark, its figures printed as Markdown. `--rounds N` sets every bench's
 * rounds (sim runs per size included), `--ten-million` adds the sim's 10M-participant row (a minute or
 * more a run), `--duration S` the server's and driver's seconds per phase;
 * `--write` also rewrites docs/performance.md from this run's figures; `--json FILE` writes them all
 * (a BenchRun) to FILE.
 *
 *   npm run bench [-- --rounds 3] [--ten-million] [--duration 5] [--write] [--json FILE]
 */
const argv = process.argv.slice(2);
const rounds = numberFlag(argv, 'rounds');
const durationSeconds = numberFlag(argv, 'duration');
const write = argv.includes('--write');
const jsonIndex = argv.indexOf('--json');
const jsonFile = jsonIndex < 0 ? undefined : argv[jsonIndex + 1];
const machineNow = machine();
process.stdout.write(`# checkin-sim benchmarks\n${describeMachine(machineNow)}\n\n`);
const sim = runSimBench({ ...(rounds !== undefined && { runs: rounds }), tenMillion: argv.includes('--ten-million') });
process.stdout.write(`${formatSimBench(sim)}\n\n`);
const study = runStudyCostBench({ ...(rounds !== undefined && { rounds }) });
process.stdout.write(`${formatStudyCostBench(study)}\n\n`);
const server = await runServerBench({ ...(rounds !== undefined && { rounds }), ...(durationSeconds !== undefined && { durationSeconds }) });
process.stdout.write(`${formatServerBench(server)}\n\n`);
const driver = await runDriverBench({ ...(rounds !== undefined && { rounds }), ...(durationSeconds !== undefined && { durationSeconds }) });
process.stdout.write(`${formatDriverBench(driver)}\n`);
const run: BenchRun = { machine: machineNow, command: ['npm run bench --', ...argv.filter((_, index) => jsonIndex < 0 || (index !== jsonIndex && index !== jsonIndex + 1))].join(' '), sim, study, server, driver };
if (jsonFile !== undefined) writeFileSync(jsonFile, `${JSON.stringify(run, null, 2)}\n`);
if (write) {
  const page = fileURLToPath(new URL('../../docs/performance.md', import.meta.url));
  writeFileSync(page, performancePage(run));
  process.stdout.write(`\nwrote ${page}\n`);
}
