import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { readSummary } from '../compare/read-summary.ts';
import { REPORT_FILE, buildRunReport } from '../report/run-report.ts';

/**
 * `checkin-sim report <run>`: report.html for a summary.json written elsewhere, e.g. by a k6 run's
 * handleSummary (scenarios/k6/checkin-load.ts), which cannot render charts itself.
 */
export function reportCommand(): Command {
  return new Command('report')
    .description('write report.html for a run folder or summary.json of any mode (e.g. the summary a k6 run wrote)')
    .argument('<run>', 'run folder (holding summary.json) or a summary.json file')
    .option('--out <file>', 'report file (default: report.html beside the summary)')
    .action(async (run: string, flags: { out?: string }) => {
      const { file, summary } = readSummary(run);
      const out = flags.out ?? join(dirname(file), REPORT_FILE);
      writeFileSync(out, await buildRunReport(summary));
      process.stdout.write(`report: ${out}\n`);
    });
}
