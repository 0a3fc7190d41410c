import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { loadScenario } from '../../scenarios/index.ts';
import { runSimulation } from '../engine/run-simulation.ts';
import { buildPerf, buildSummary } from '../metrics/summary.ts';
import { formatSummaryTables } from '../report/summary-table.ts';
import { CliError } from './cli-errors.ts';
import { integerFlag } from './flag-parsers.ts';
import { createProgress } from './progress.ts';

export const BASELINE_SCENARIO = fileURLToPath(new URL('../../scenarios/baseline.yaml', import.meta.url));

interface RunFlags {
  participants?: number;
  days?: number;
  seed?: number;
  workers: number;
  out?: string;
  events: boolean;
}

export function runCommand(): Command {
  return new Command('run')
    .description('simulate a scenario (sim mode: in-process server) and write summary.json, perf.json and, with --events, events.ndjson')
    .argument('[scenario]', 'scenario file (YAML)', BASELINE_SCENARIO)
    .option('--participants <n>', 'fleet size (overrides the scenario)', integerFlag(1))
    .option('--days <n>', 'length of the period in days (overrides the scenario)', integerFlag(1))
    .option('--seed <n>', 'seed of every random stream (overrides the scenario)', integerFlag(0))
    .addOption(new Option('--workers <n>', 'worker threads').argParser(integerFlag(1)).default(availableParallelism(), 'cores available'))
    .option('--out <dir>', 'output folder (default: out/<scenario>-seed<seed>)')
    .option('--events', 'also write the ordered event log, events.ndjson', false)
    .action(async (file: string, flags: RunFlags) => {
      const overrides: Record<string, unknown> = {};
      if (flags.participants !== undefined) overrides.participants = flags.participants;
      if (flags.days !== undefined) overrides.days = flags.days;
      if (flags.seed !== undefined) overrides.seed = flags.seed;
      const scenario = loadScenario({ file, overrides });
      const outDir = flags.out ?? join('out', `${scenario.name}-seed${scenario.seed}`);
      prepareOutput(outDir);

      const progress = createProgress(`${scenario.name}`);
      const result = await runSimulation(scenario, {
        workers: flags.workers,
        eventsFile: flags.events ? join(outDir, 'events.ndjson') : undefined,
        onProgress: (done, total) => progress.update(done, total),
      });
      progress.stop();

      const summary = buildSummary(scenario, 'sim', result.metrics);
      const perf = buildPerf(result.metrics, result);
      writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
      writeFileSync(join(outDir, 'perf.json'), `${JSON.stringify(perf, null, 2)}\n`);
      const lines = [
        formatSummaryTables(summary, perf),
        `summary: ${join(outDir, 'summary.json')}`,
        ...(flags.events ? [`events:  ${join(outDir, 'events.ndjson')} (${result.eventsWritten.toLocaleString('en-US')} events)`] : []),
        `digest ${summary.digest}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function prepareOutput(outDir: string): void {
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new CliError('CLI_ERR_OUTPUT', `--out ${outDir}: expected a folder that can be created and written (${(error as Error).message})`);
  }
}
