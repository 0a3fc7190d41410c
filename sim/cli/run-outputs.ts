import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Perf, Summary } from '../metrics/summary.ts';
import { formatSummaryTables } from '../report/summary-table.ts';
import { preloadRenderer } from '../report/render-svg.ts';
import { drawStudies } from '../verification/study-summary.ts';
import type { ScoreStudy } from '../verification/score-study.ts';
import type { StudyThreads } from '../verification/study-pool.ts';
import { formatStudyLine } from '../verification/study-line.ts';
import type { Scenario } from '../../scenarios/index.ts';

/**
 * What `run` needs once its fleet is under way: the verification study, the summary, the terminal's
 * tables and the report. run-scenario.ts loads this module only then, so that the fleet's threads wait
 * for the scenario alone, not for these modules.
 */
export { buildPerf, buildSummary } from '../metrics/summary.ts';
export { addVerificationStudy } from '../verification/study-summary.ts';
export { renderRunCharts, runReportOptions, writeRunReportOf, writeRunReportPage } from '../report/run-report.ts';
export { withRareOptimization } from '../report/rare-optimization.ts';

/**
 * Loads, before the fleet's figures exist, what writing them will need: Vega for the report, and ICU's
 * number formats, which the tables' and the report's thousands separators load at their first use
 * (~14 ms of CPU, at the end of the run otherwise).
 */
export function preloadOutputs(): void {
  preloadRenderer();
  (0).toLocaleString('en-US');
}

/** The scenario's verification study and its wall time (`verificationMs` in perf.json). */
export async function timedStudy(scenario: Scenario, threads: StudyThreads): Promise<{ studies: Map<string, ScoreStudy>; verificationMs: number }> {
  const started = performance.now();
  const studies = await drawStudies([scenario], threads);
  return { studies, verificationMs: Math.round(performance.now() - started) };
}

export function writeOutputs(outDir: string, summary: Summary, perf: Perf, extraLines: string[]): void {
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(outDir, 'perf.json'), `${JSON.stringify(perf, null, 2)}\n`);
  const lines = [
    formatSummaryTables(summary, perf),
    ...(summary.verification ? [formatStudyLine(summary.verification)] : []),
    `summary: ${join(outDir, 'summary.json')}`,
    ...extraLines,
    ...(summary.verification ? [`verification digest ${summary.verification.digest}`] : []),
    `digest ${summary.digest}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
