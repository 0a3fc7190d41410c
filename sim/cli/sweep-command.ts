import { availableParallelism } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { planSweep, runAndWriteSweep } from '../sweep/sweep.ts';
import { formatSweepTable } from '../sweep/sweep-table.ts';
import { CliError } from './cli-errors.ts';
import { integerFlag } from '../../scenarios/common/flag-parsers.ts';
import { createProgress } from './progress.ts';

interface SweepFlags {
  grid: string[];
  participants?: number;
  days?: number;
  seed?: number;
  workers: number;
  out?: string;
}

export function sweepCommand(): Command {
  return new Command('sweep')
    .description('run a scenario at every point of a grid (in parallel) and write sweep.csv, sweep.json, report.html and each point’s summary.json')
    .argument('<scenario>', 'scenario file (YAML); its sweep.grid is used when no --grid is given')
    .option('--grid <field=values>', "a field and its values, e.g. 'policy.faceThreshold=0.3,0.35'; repeat for a cartesian grid", (value: string, previous: string[]) => [...previous, value], [])
    .option('--participants <n>', 'fleet size at every point (overrides the scenario)', integerFlag(1))
    .option('--days <n>', 'length of the period in days (overrides the scenario)', integerFlag(1))
    .option('--seed <n>', 'seed of every point (overrides the scenario)', integerFlag(0))
    .addOption(new Option('--workers <n>', 'worker threads, each running whole points').argParser(integerFlag(1)).default(availableParallelism(), 'cores available'))
    .option('--out <dir>', 'output folder (default: out/<scenario>-sweep-seed<seed>, or out/<scenario>-seed<seed> when the name already says sweep)')
    .action(async (file: string, flags: SweepFlags) => {
      await sweep(file, flags);
    });
}

async function sweep(file: string, flags: SweepFlags): Promise<void> {
  const overrides: Record<string, unknown> = {};
  if (flags.participants !== undefined) overrides.participants = flags.participants;
  if (flags.days !== undefined) overrides.days = flags.days;
  if (flags.seed !== undefined) overrides.seed = flags.seed;
  const plan = planSweep(file, overrides, flags.grid);
  const outDir = flags.out ?? join('out', `${plan.scenario}${plan.scenario.includes('sweep') ? '' : '-sweep'}-seed${plan.seed}`);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new CliError('CLI_ERR_OUTPUT', `--out ${outDir}: expected a folder that can be created and written (${(error as Error).message})`);
  }

  const progress = createProgress(`${plan.scenario} sweep`);
  const outcome = await runAndWriteSweep(plan, outDir, {
    workers: flags.workers,
    onProgress: (done, total, pointsDone) => progress.update(done, total, `${pointsDone}/${plan.points.length} points`),
  });
  progress.stop();
  const lines = [
    formatSweepTable(outcome.document),
    `${plan.points.length} points in ${(outcome.wallMs / 1000).toFixed(1)} s`,
    `table:  ${outcome.files.csv}, ${outcome.files.json}`,
    `report: ${outcome.files.report}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
