import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CAUSES, CLASS_MEANING, classRows } from './cause-classes.ts';
import { count, hours, rateWithInterval } from './chart-helpers.ts';
import { htmlPage, type RenderedChart } from './html-page.ts';
import { renderSvg } from './render-svg.ts';
import { saveCodeCaches } from './code-cache.ts';
import { withRareOptimization } from './rare-optimization.ts';
import { runCharts } from './run-charts.ts';
import { studyHeadlineRows } from './study-rows.ts';
import type { RunThresholds } from './det-chart.ts';
import type { ChartDefinition, HeadlineRow } from './report-types.ts';
import type { Summary } from '../metrics/summary.ts';

export interface RunReportOptions {
  /** The run's verification thresholds, marked on the DET curve. */
  thresholds?: RunThresholds;
}

export const REPORT_FILE = 'report.html';

/** What a run report reads of its scenario: the verification thresholds. */
type ReportedScenario = { policy: { faceThreshold: number; voiceThreshold: number } };

/** The thresholds a scenario's report marks on its DET curve. */
export function runReportOptions(scenario: ReportedScenario): RunReportOptions {
  return { thresholds: { face: scenario.policy.faceThreshold, voice: scenario.policy.voiceThreshold } };
}

/**
 * Writes `report.html` beside the summary.json a run has just written in `outDir` (a drive-mode run
 * calls this once its outputs are on disk); returns the report's path.
 */
export async function writeRunReportOf(outDir: string, scenario: ReportedScenario): Promise<string> {
  const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as Summary;
  return writeRunReport(outDir, summary, runReportOptions(scenario));
}

/** Writes `report.html` for one run beside its summary.json; returns the file's path. */
export async function writeRunReport(outDir: string, summary: Summary, options: RunReportOptions = {}): Promise<string> {
  return writeRunReportPage(outDir, summary, await renderRunCharts(summary, options));
}

/** Writes `report.html` for one run, its charts already drawn (renderRunCharts); returns the file's path. */
export function writeRunReportPage(outDir: string, summary: Summary, charts: RenderedChart[]): string {
  const file = join(outDir, REPORT_FILE);
  writeFileSync(file, runReportPage(summary, charts));
  return file;
}

/** The HTML of one run's report: headline figures with 95 % intervals (the system false-failure rate first), then the charts. */
export async function buildRunReport(summary: Summary, options: RunReportOptions = {}): Promise<string> {
  return runReportPage(summary, await renderRunCharts(summary, options));
}

/**
 * A run's charts, drawn. They read the fleet's figures alone, never the verification study's section
 * (only the headline does), so `run` draws them while its study is still being drawn.
 */
export function renderRunCharts(summary: Summary, options: RunReportOptions = {}): Promise<RenderedChart[]> {
  return renderCharts(runCharts(summary, options.thresholds));
}

function runReportPage(summary: Summary, charts: RenderedChart[]): string {
  return htmlPage({
    title: `checkin-sim report: ${summary.scenario}`,
    subtitle: `${summary.mode} mode · ${summary.participants.toLocaleString('en-US')} participants × ${summary.days} days · seed ${summary.seed} · digest ${summary.digest.slice(0, 16)}…`,
    headline: headlineRows(summary),
    charts,
    notes: RUN_NOTES,
  });
}

export async function renderCharts(definitions: readonly ChartDefinition[]): Promise<RenderedChart[]> {
  const rendered: RenderedChart[] = [];
  await withRareOptimization(async () => {
    for (const chart of definitions) rendered.push({ id: chart.id, title: chart.title, guide: chart.guide, svg: await renderSvg(chart.spec, chart.id) });
  });
  saveCodeCaches();
  return rendered;
}

function headlineRows(summary: Summary): HeadlineRow[] {
  const { windows, falseFailures, falseAccepts, escalations, burden, peopleAffected } = summary;
  const complied = `of ${count(windows.complied)} windows answered in good faith`;
  const [system, ...others] = classRows(summary);
  const rows: HeadlineRow[] = [
    {
      label: `false-failure rate, ${system!.label}`,
      value: rateWithInterval(system!.total, windows.complied),
      note: `the headline (95 % interval): ${count(system!.total)} ${complied} failed because ${CLASS_MEANING.system}`,
    },
    ...others.map((row) => ({
      label: `false-failure rate, ${row.label}`,
      value: rateWithInterval(row.total, windows.complied),
      note: `${count(row.total)} ${complied}: ${CLASS_MEANING[row.causeClass]}`,
    })),
    {
      label: `false-failure rate, ${ALL_CAUSES}`,
      value: rateWithInterval(falseFailures.total, windows.complied),
      note: `${count(falseFailures.total)} ${complied}: the four classes above together, people who did not answer included`,
    },
    { label: 'windows', value: count(windows.total), note: `${count(windows.complied)} answered in good faith, ${count(windows.evaded)} after absconding, ${count(windows.impostor)} by an impostor` },
    {
      label: 'people affected, system',
      value: count(peopleAffected.byClass.system.count),
      note: `${rateWithInterval(peopleAffected.byClass.system.count, summary.participants)} of participants had at least one false failure of the system class`,
    },
    {
      label: `people affected, ${ALL_CAUSES}`,
      value: count(peopleAffected.count),
      note: `${rateWithInterval(peopleAffected.count, summary.participants)} of participants had at least one false failure of any class`,
    },
    { label: 'false accepts', value: count(falseAccepts.total), note: `${rateWithInterval(falseAccepts.total, windows.impostor)} of impostor windows` },
    { label: 'escalations', value: count(escalations.total), note: `${count(escalations.false)} false (the person had not absconded)` },
    { label: 'escalation precision', value: rateWithInterval(escalations.total - escalations.false, escalations.total, 1), note: 'escalations of people who had absconded, of all escalations' },
    {
      label: 'absconders detected',
      value: `${count(escalations.detected)} of ${count(escalations.followed)} followed`,
      note: `${escalations.followed === 0 ? '' : `${rateWithInterval(escalations.detected, escalations.followed, 1)}; `}${count(escalations.notYetDue)} more absconded too late in the period to expect an escalation yet (not yet due)`,
    },
    { label: 'detection delay p50 / p90', value: `${hours(escalations.detectionDelayHours.p50)} / ${hours(escalations.detectionDelayHours.p90)}`, note: 'from absconding to escalation, detected absconders followed at least two check-in intervals' },
    { label: 'burden', value: `${count(burden.inPersonVisits)} in-person visits, ${count(burden.officerCalls)} officer calls`, note: `${count(burden.minutesLost / 60)} hours lost by compliant people` },
    { label: 'officer time', value: `${count(burden.officerMinutes)} officer minutes`, note: `${count(burden.excusedWindows)} failed windows excused by an officer after a call-back` },
    ...studyHeadlineRows(summary),
  ];
  const { load } = summary;
  if (load) {
    rows.push(
      { label: 'requests per second', value: `${load.achievedRps.toFixed(1)} achieved of ${load.intendedRps.toFixed(1)} intended`, note: `${count(load.late)} requests sent late; driver lag p99 ${load.driverLagMsP99.toFixed(1)} ms` },
      { label: 'latency p50 / p90 / p99 / p99.9', value: `${load.latencyMs.p50} / ${load.latencyMs.p90} / ${load.latencyMs.p99} / ${load.latencyMs.p999} ms`, note: `max ${load.latencyMs.max} ms, from the intended send time` },
      { label: 'errors', value: count(Object.values(load.errors).reduce((sum, n) => sum + n, 0)), note: Object.entries(load.errors).map(([kind, n]) => `${kind} ${count(n)}`).join(', ') },
    );
  }
  return rows;
}

const RUN_NOTES = [
  'A false failure is a window answered in good faith (ground truth: complied) whose verdict was missed or rejected; its rate is over windows answered in good faith.',
  `Each false failure has a cause, and each cause a class: system, ${CLASS_MEANING.system}; device, ${CLASS_MEANING.device}; schedule, ${CLASS_MEANING.schedule}; person, ${CLASS_MEANING.person}. The classes sum to all causes.`,
  "The headline is the system class: what the programme's technology does to people who acted in time. The rate of all causes also counts phones, the schedule and people who did not answer, so it is not a measure of the technology alone.",
  'A false accept is a window answered by an impostor whose verdict was verified; a false escalation is an escalation of someone who had not absconded; escalation precision is the share of escalations that were of absconders.',
  'People affected: participants with at least one false failure in the period. Intervals are 95 % Wilson score intervals; a rate with nothing to divide by is shown as a dash.',
  "The verification study's rows come from scores drawn beside the fleet from the same score model (summary.json's verification section): per window, with the scenario's retries: the mean of each window's probability of the error given its draws, with a 95 % normal interval; a group's × is its rate over the whole study's.",
  'The DET curve is drawn from the histograms of similarity scores of every judged attempt (bins of 0.01), not from window verdicts.',
  'Every figure comes from synthetic participants. Inputs that are assumptions, not published figures: how often and how long phones are unusable (device spells), how often a retry meets the same failure, officers\' caseloads, call-back time and answer rate, the shares who call or are sent in person, and most per-attempt failure rates; no operator publishes a check-in failure rate. Every default and its source (or ASSUMPTION) is listed in docs/scenarios.md.',
];
