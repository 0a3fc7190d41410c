import { Command } from 'commander';
import { compareSummaries } from '../compare/compare-summaries.ts';
import { formatComparison } from '../compare/compare-table.ts';
import { readSummary } from '../compare/read-summary.ts';

export function compareCommand(): Command {
  return new Command('compare')
    .description('compare two runs figure by figure: B − A, its 95 % confidence interval, and whether B is better, worse or within noise')
    .argument('<runA>', 'run folder (holding summary.json) or a summary.json file')
    .argument('<runB>', 'run folder (holding summary.json) or a summary.json file')
    .option('--json', 'print the comparison as JSON instead of a table', false)
    .action((runA: string, runB: string, flags: { json: boolean }) => {
      const comparison = compareSummaries({ run: runA, summary: readSummary(runA).summary }, { run: runB, summary: readSummary(runB).summary });
      process.stdout.write(flags.json ? `${JSON.stringify(comparison, null, 2)}\n` : `${formatComparison(comparison)}\n`);
    });
}
