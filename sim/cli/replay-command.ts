import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { integerFlag, urlFlag } from '../../scenarios/common/flag-parsers.ts';
import { CliError } from './cli-errors.ts';
import { DEFAULT_DRIVE_CONNECTIONS } from '../drive/default-connections.ts';
import { formatSummaryTables } from '../report/summary-table.ts';
import { runReportOptions, writeRunReport } from '../report/run-report.ts';
import { buildPerf } from '../metrics/summary.ts';
import { emptyMetrics } from '../metrics/shard-metrics.ts';
import { replayExport } from '../load-export/replay-export.ts';

interface ReplayFlags {
  out?: string;
  target?: string;
  officerToken?: string;
  connections: number;
  requestTimeoutMs: number;
  lateAfterMs: number;
}

/** `checkin-sim replay DIR`: an export's schedule, as it stands, sent by the harness's own driver. */
export function replayCommand(): Command {
  return new Command('replay')
    .description("send an export-k6 schedule as it stands with the harness's own driver (open model), and rebuild the run from the answers: the drive run it came from, when the server is fault-free")
    .argument('<export>', 'folder written by export-k6')
    .option('--out <dir>', 'output folder (default: <export>-replay)')
    .option('--target <url>', 'a compatible server instead of the reference server in a child process (its clock at the export\'s compression)', urlFlag)
    .option('--officer-token <token>', "with --target: the server's officer token (default: $CHECKIN_OFFICER_TOKEN)")
    .option('--connections <n>', 'most HTTP connections open at once', integerFlag(1), DEFAULT_DRIVE_CONNECTIONS)
    .option('--request-timeout-ms <ms>', 'client timeout of a request', integerFlag(1), 10_000)
    .option('--late-after-ms <ms>', 'a request sent later than this after its instant counts as late', integerFlag(0), 10)
    .action(async (directory: string, flags: ReplayFlags) => {
      const officerToken = flags.officerToken ?? process.env.CHECKIN_OFFICER_TOKEN;
      if (flags.target !== undefined && officerToken === undefined) throw new CliError('CLI_ERR_USAGE', '--target: expected --officer-token (or $CHECKIN_OFFICER_TOKEN) with it');
      const outDir = flags.out ?? `${directory.replace(/\/+$/, '')}-replay`;
      const result = await replayExport(directory, {
        ...(flags.target !== undefined && { target: { url: flags.target, officerToken: officerToken! } }),
        connections: flags.connections,
        requestTimeoutMs: flags.requestTimeoutMs,
        lateAfterMs: flags.lateAfterMs,
      });
      try {
        mkdirSync(outDir, { recursive: true });
      } catch (error) {
        throw new CliError('CLI_ERR_OUTPUT', `--out ${outDir}: expected a folder that can be created and written (${(error as Error).message})`);
      }
      const { summary, k6Summary } = result;
      const { manifest, scenario } = result.export;
      writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
      writeFileSync(join(outDir, 'k6-summary.json'), `${JSON.stringify(k6Summary, null, 2)}\n`);
      await writeRunReport(outDir, summary, runReportOptions(scenario));
      const perf = buildPerf(emptyMetrics(summary.days), { wallMs: result.wallMs, peakRssMb: process.memoryUsage().rss / 1024 / 1024, workers: 1 });
      const same = summary.digest === manifest.expectation.driveDigest;
      process.stdout.write(
        [
          formatSummaryTables(summary, perf),
          `replayed ${result.load.requests} scheduled attempts; ${result.answeredOtherwise} answered otherwise than a fault-free server; ${result.unscheduled} retries the schedule does not hold`,
          `the export's fault-free drive digest ${manifest.expectation.driveDigest}: ${same ? 'the same' : 'differs'}`,
          `k6 reckoning (what checkin-load.ts would write): ${join(outDir, 'k6-summary.json')}, digest ${k6Summary.digest}`,
          `summary: ${join(outDir, 'summary.json')}`,
          `digest ${summary.digest}`,
          '',
        ].join('\n'),
      );
    });
}
