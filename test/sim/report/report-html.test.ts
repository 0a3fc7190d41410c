import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildRunReport } from '../../../sim/report/run-report.ts';
import { runCharts } from '../../../sim/report/run-charts.ts';
import { addVerificationStudy, drawStudies } from '../../../sim/verification/study-summary.ts';
import { loadScenario } from '../../../scenarios/index.ts';
import { buildSweepReport, sweepCharts, type SweepReportInput } from '../../../sim/sweep/sweep-report.ts';
import { sweepRow } from '../../../sim/sweep/sweep-table.ts';
import { gridPoints, parseGridFlag } from '../../../sim/sweep/grid.ts';
import { loadFixture, thirtyDaySummary } from './report-fixtures.ts';
import { handBuiltSummary, mixedSummary } from './summary-fixture.ts';
import { CLASS_LABEL } from '../../../sim/report/cause-classes.ts';
import { percentWithInterval } from '../../../sim/report/chart-helpers.ts';
import { wilson } from '../../../sim/metrics/intervals.ts';
import { CAUSE_CLASSES } from '../../../scenarios/vocabulary.ts';
import type { Summary } from '../../../sim/metrics/summary.ts';

/** The figures of a report page, each with its SVG and caption. */
export function figuresOf(html: string): { id: string; svg: string; caption: string }[] {
  return [...html.matchAll(/<figure class="chart" id="chart-([^"]+)"[^>]*>\n(<svg[\s\S]*?<\/svg>)\n<figcaption>([^<]*)<\/figcaption>/g)].map((match) => ({
    id: match[1]!,
    svg: match[2]!,
    caption: match[3]!,
  }));
}

/** Checks one chart: a title, at least two axes each with a title, no label cut short. */
function expectReadableChart(figure: { id: string; svg: string; caption: string }, title: string): void {
  expect(figure.svg, figure.id).toContain(`>${title.replaceAll('&', '&amp;').replaceAll("'", '&#39;')}</text>`);
  const axes = [...figure.svg.matchAll(/aria-roledescription="axis" aria-label="([XY])-axis titled '([^']+)'/g)];
  expect(new Set(axes.map((axis) => axis[1])), figure.id).toEqual(new Set(['X', 'Y']));
  for (const axis of axes) expect(axis[2]!.length, `${figure.id} ${axis[1]}`).toBeGreaterThan(3);
  expect(figure.svg, `${figure.id}: a label cut short`).not.toMatch(/…<\/text>/);
  expect(figure.caption.length, figure.id).toBeGreaterThan(40);
}

describe('run report', () => {
  let summary: Summary;
  beforeAll(async () => {
    summary = await thirtyDaySummary();
  });
  afterEach(() => vi.restoreAllMocks());

  it('is one self-contained file: no script, no fetch of any kind, only inline SVG and CSS', async () => {
    const html = await buildRunReport(summary, { thresholds: { face: 0.325, voice: 0.325 } });
    // Only references inside the page (clip paths: url(#…)) are allowed.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|@font-face|url\((?!#)|src=|href="(?!#)/i);
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(ids).size, 'ids unique in the page').toBe(ids.length);
    for (const [, ref] of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids, ref).toContain(ref);
    const withoutNamespaces = html.replaceAll('http://www.w3.org/2000/svg', '').replaceAll('http://www.w3.org/1999/xlink', '');
    expect(withoutNamespaces).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
  });

  it('draws every chart with a title, labelled axes and a one-line reading guide', async () => {
    const warn = vi.spyOn(console, 'warn');
    const html = await buildRunReport(summary, { thresholds: { face: 0.325, voice: 0.325 } });
    const definitions = runCharts(summary);
    const figures = figuresOf(html);
    expect(figures.map((figure) => figure.id)).toEqual(definitions.map((chart) => chart.id));
    expect(figures.map((figure) => figure.id)).toEqual([
      'false-failures-by-class',
      'false-failures-by-cause',
      'false-failures-over-time',
      'windows-per-day',
      'system-rate-by-segment',
      'people-affected-by-segment',
      'escalations-per-day',
      'detection-delay',
      'det-curve',
    ]);
    definitions.forEach((chart, index) => expectReadableChart(figures[index]!, chart.title));
    expect(warn).not.toHaveBeenCalled();
  });

  it('gives the same bytes for the same summary', async () => {
    const first = await buildRunReport(summary);
    expect(await buildRunReport(summary)).toBe(first);
  });

  it("draws its charts from the fleet's figures alone, never the verification study's (run draws them while its study is still being drawn)", async () => {
    const smallStudy = { 'verification.genuineWindows': 1000, 'verification.impostorWindows': 1000, 'verification.lookAlikeWindows': 1000 };
    const scenario = loadScenario({ file: 'scenarios/baseline.yaml', overrides: { participants: 2000, days: 30, seed: 5, ...smallStudy } });
    const withStudy = addVerificationStudy(scenario, summary, await drawStudies([scenario], { workers: 1 }));
    expect(withStudy.verification?.digest).toMatch(/^[0-9a-f]{64}$/);
    const thresholds = { face: scenario.policy.faceThreshold, voice: scenario.policy.voiceThreshold };
    expect(runCharts(withStudy, thresholds)).toEqual(runCharts(summary, thresholds));
  });

  it('adds throughput and latency over time when the summary has a load section (drive mode)', async () => {
    const drive: Summary = { ...summary, mode: 'drive', load: loadFixture() };
    const html = await buildRunReport(drive);
    const figures = figuresOf(html);
    expect(figures.map((figure) => figure.id).slice(-2)).toEqual(['load-throughput', 'load-latency']);
    const [throughput, latency] = runCharts(drive).slice(-2);
    expectReadableChart(figures.at(-2)!, throughput!.title);
    expectReadableChart(figures.at(-1)!, latency!.title);
    expect(figures.at(-2)!.svg).toContain("Y-axis titled 'requests per second (req/s)'");
    expect(figures.at(-1)!.svg).toContain("Y-axis titled 'latency (ms)'");
    expect(html).toContain('latency p50 / p90 / p99 / p99.9');
    expect(html).toContain('13 / 31 / 880 / 4900 ms');
    expect(figuresOf(await buildRunReport(summary)).some((figure) => figure.id.startsWith('load-'))).toBe(false);
  });
});

describe('sweep report', () => {
  let summary: Summary;
  beforeAll(async () => {
    summary = await thirtyDaySummary();
  });

  const inputFor = (flags: string[]): SweepReportInput => {
    const grid = flags.map(parseGridFlag);
    const points = gridPoints(undefined, { participants: 10 }, grid);
    return {
      scenario: 'test',
      seed: 1,
      grid,
      points: points.map((point) => ({
        row: sweepRow(point, summary as never),
        summary: summary as never,
        thresholds: { face: point.scenario.policy.faceThreshold, voice: point.scenario.policy.voiceThreshold },
      })),
    };
  };

  it('adds the DET curve for threshold sweeps, and no burden-versus-detection frontier (a threshold does not move detection)', async () => {
    const input = inputFor(['policy.faceThreshold=0.25,0.325,0.4']);
    const ids = sweepCharts(input).map((chart) => chart.id);
    expect(ids).toEqual(['sweep-system-rate', 'sweep-all-causes-rate', 'sweep-people-affected', 'sweep-false-escalations', 'sweep-false-accept-rate', 'sweep-det-curve']);
    const figures = figuresOf(await buildSweepReport(input));
    sweepCharts(input).forEach((chart, index) => expectReadableChart(figures[index]!, chart.title));
  });

  it('leads with the system rate: its chart comes first, and the headline names the points with the lowest and highest system rate', async () => {
    const grid = [parseGridFlag('policy.faceThreshold=0.25,0.4')];
    const points = gridPoints(undefined, { participants: 10 }, grid);
    const better = mixedSummary();
    // More system failures, fewer person failures: the all-cause rate would rank the points the other way.
    const worse = handBuiltSummary({ complied: 1000, impostor: 0, causes: { server_error: 30, prompt_missed: 2 } });
    const input: SweepReportInput = {
      scenario: 'test',
      seed: 1,
      grid,
      points: [worse, better].map((built, index) => ({ row: sweepRow(points[index]!, built), summary: built, thresholds: { face: 0.3, voice: 0.3 } })),
    };
    const [system, allCauses] = sweepCharts(input);
    expect(system!.title).toBe('False-failure rate, system (technology), across the grid');
    const values = (chart: typeof system) => (chart!.spec as { data: { values: { x: unknown; value: number }[] } }).data.values;
    expect(values(system).map((row) => [row.x, row.value])).toEqual([
      [0.25, 3],
      [0.4, 1.5],
    ]);
    expect(values(allCauses).map((row) => [row.x, row.value])).toEqual([
      [0.25, 3.2],
      [0.4, 5],
    ]);
    // No impostor windows at the first point: no false-accept rate, so no mark (not a mark at 0).
    const falseAccepts = sweepCharts(input).find((chart) => chart.id === 'sweep-false-accept-rate')!;
    expect(values(falseAccepts).map((row) => row.x)).toEqual([0.4]);
    const html = await buildSweepReport(input);
    expect(html).toContain('<tr><th scope="row">lowest false-failure rate, system</th><td>1.50 %</td><td class="note">policy.faceThreshold=0.4</td></tr>');
    expect(html).toContain('<tr><th scope="row">highest false-failure rate, system</th><td>3.00 %</td><td class="note">policy.faceThreshold=0.25</td></tr>');
    expect(html).toContain('<tr><th scope="row">false-failure rate, all causes</th><td>3.20 % to 5.00 %</td>');
    expect(html).not.toMatch(/glitch rate/i);
  });

  it('adds the frontier, not the DET curve, for policy sweeps, and neither for glitch sweeps', () => {
    expect(sweepCharts(inputFor(['policy.graceMinutes=0,60', 'policy.escalateAfterFailedWindows=1,2'])).map((chart) => chart.id)).toContain('sweep-frontier');
    expect(sweepCharts(inputFor(['policy.graceMinutes=0,60'])).map((chart) => chart.id)).not.toContain('sweep-det-curve');
    expect(sweepCharts(inputFor(['glitches.scale=0.5,2'])).map((chart) => chart.id)).toEqual(['sweep-system-rate', 'sweep-all-causes-rate', 'sweep-people-affected', 'sweep-false-escalations']);
  });
});

/** The headline table of a report page: label, value and note of each row, in order. */
function headlineOf(html: string): { label: string; value: string; note: string }[] {
  const unescape = (text: string) => text.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
  return [...html.matchAll(/<tr><th scope="row">([^<]*)<\/th><td>([^<]*)<\/td><td class="note">([^<]*)<\/td><\/tr>/g)].map((match) => ({
    label: unescape(match[1]!),
    value: unescape(match[2]!),
    note: unescape(match[3]!),
  }));
}

const chartValues = (summary: Summary, id: string) => {
  const chart = runCharts(summary).find((definition) => definition.id === id)!;
  return (chart.spec as { data: { values: Record<string, unknown>[] } }).data.values;
};

describe('run report leads with the system false-failure rate', () => {
  const summary = mixedSummary();

  it('opens the headline with the system rate and its 95 % interval, then device, schedule, person and all causes', async () => {
    const rows = headlineOf(await buildRunReport(summary));
    expect(rows.slice(0, 5).map((row) => row.label)).toEqual([
      'false-failure rate, system (technology)',
      'false-failure rate, device (phone unusable)',
      'false-failure rate, schedule (window placement)',
      'false-failure rate, person (did not answer)',
      'false-failure rate, all causes',
    ]);
    // 15 system false failures of 1,000 good-faith windows; 50 of all causes.
    expect(rows[0]!.value).toBe(percentWithInterval(wilson(15, 1000)));
    expect(rows[0]!.value).toMatch(/^1\.50 % \(\d\.\d\d–\d\.\d\d %\)$/);
    expect(rows[0]!.note).toMatch(/^the headline/);
    expect(rows[4]!.value).toBe(percentWithInterval(wilson(50, 1000)));
    expect(rows.find((row) => row.label === 'escalation precision')!.value).toBe(percentWithInterval(wilson(6, 10), 1));
    expect(rows.find((row) => row.label === 'absconders detected')!.value).toBe('3 of 8 followed');
    expect(rows.find((row) => row.label === 'officer time')).toEqual({ label: 'officer time', value: '240 officer minutes', note: '7 failed windows excused by an officer after a call-back' });
  });

  it('never calls the all-cause rate a glitch rate or the headline', async () => {
    const html = await buildRunReport(summary);
    expect(html).not.toMatch(/glitch rate/i);
    const allCauses = headlineOf(html).find((row) => row.label === 'false-failure rate, all causes')!;
    expect(allCauses.note).not.toMatch(/headline/);
    expect(headlineOf(html).filter((row) => /headline/.test(row.note)).map((row) => row.label)).toEqual(['false-failure rate, system (technology)']);
  });

  it('prints rates with nothing to divide by as a dash, not as 0 with a 0–100 % interval', async () => {
    const html = await buildRunReport(handBuiltSummary({ complied: 0, impostor: 0 }));
    const rows = headlineOf(html);
    for (const row of rows.filter((r) => r.label.startsWith('false-failure rate, '))) expect(row.value, row.label).toBe('—');
    expect(rows.find((row) => row.label === 'escalation precision')!.value).toBe('—');
    expect(html).not.toContain('0.00 % (0.00–100.00 %)');
  });

  it('draws false failures by class, system first, whose counts sum to all causes', () => {
    const values = chartValues(summary, 'false-failures-by-class');
    expect(values.map((row) => row.class)).toEqual(CAUSE_CLASSES.map((causeClass) => CLASS_LABEL[causeClass]));
    expect(values.map((row) => row.falseFailures)).toEqual([15, 5, 4, 26]);
    expect(values.reduce((sum, row) => sum + (row.falseFailures as number), 0)).toBe(summary.falseFailures.total);
    expect(values[0]).toMatchObject({ rate: 1.5, low: expect.closeTo(100 * wilson(15, 1000).low, 3), high: expect.closeTo(100 * wilson(15, 1000).high, 3) });
  });

  it('groups and colours the causes by class, system first', () => {
    const values = chartValues(summary, 'false-failures-by-cause');
    expect(values.map((row) => `${String(row.class)}: ${String(row.cause)}`)).toEqual([
      'system (technology): notification not delivered',
      'system (technology): liveness false reject',
      'device (phone unusable): battery dead',
      'schedule (window placement): window during work',
      'person (did not answer): prompt missed',
      'person (did not answer): late response',
    ]);
    const chart = runCharts(summary).find((definition) => definition.id === 'false-failures-by-cause')!;
    expect(JSON.stringify(chart.spec)).toContain('"color":{"field":"class"');
  });

  it("draws each segment's system rate with its interval, and the all-cause rate beside it", () => {
    const values = chartValues(summary, 'system-rate-by-segment');
    const system = wilson(9, 600);
    expect(values.filter((row) => row.segment === 'tier: low')).toEqual([
      { segment: 'tier: low', measure: 'system (technology)', rate: 1.5, low: expect.closeTo(100 * system.low, 3), high: expect.closeTo(100 * system.high, 3) },
      { segment: 'tier: low', measure: 'all causes', rate: expect.closeTo((100 * 29) / 600, 3) },
    ]);
    // Segments without good-faith windows have no rate, so no mark.
    expect(values.some((row) => row.segment === 'tier: high')).toBe(false);
  });

  it("stacks each day's rate by class, the classes summing to the day's rate; a day without windows draws nothing", () => {
    const values = chartValues(summary, 'false-failures-over-time');
    const day0 = values.filter((row) => row.day === 0);
    expect(day0.map((row) => row.class)).toEqual(CAUSE_CLASSES.map((causeClass) => CLASS_LABEL[causeClass]));
    expect(day0.reduce((sum, row) => sum + (row.rate as number), 0)).toBeCloseTo((100 * summary.daily[0]!.falseFailures) / summary.daily[0]!.windows, 6);
    expect(values.some((row) => row.day === 1)).toBe(false);
  });

  it('draws every chart of a hand-built summary, and of one with no windows at all', async () => {
    const warn = vi.spyOn(console, 'warn');
    for (const built of [summary, handBuiltSummary({ complied: 0 })]) {
      const figures = figuresOf(await buildRunReport(built));
      expect(figures.map((figure) => figure.id)).toEqual(runCharts(built).map((chart) => chart.id));
      for (const figure of figures) expect(figure.svg.length, figure.id).toBeGreaterThan(500);
    }
    const figures = figuresOf(await buildRunReport(summary));
    runCharts(summary).forEach((chart, index) => expectReadableChart(figures[index]!, chart.title));
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
