import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildRunReport } from '../../sim/report/run-report.ts';
import { runCharts } from '../../sim/report/run-charts.ts';
import { buildSweepReport, sweepCharts, type SweepReportInput } from '../../sim/report/sweep-report.ts';
import { sweepRow } from '../../sim/sweep/sweep-table.ts';
import { gridPoints, parseGridFlag } from '../../sim/sweep/grid.ts';
import { loadFixture, thirtyDaySummary } from './report-fixtures.ts';
import type { Summary } from '../../sim/metrics/summary.ts';

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
      'false-failures-by-cause',
      'false-failures-over-time',
      'windows-per-day',
      'people-affected-by-segment',
      'escalations-per-day',
      'detection-delay',
      'det-curve',
    ]);
    definitions.forEach((chart, index) => expectReadableChart(figures[index]!, chart.title));
    expect(warn).not.toHaveBeenCalled();
  });

  it('gives the same bytes for the same summary, in under 2 s for a 30-day run', async () => {
    const started = performance.now();
    const first = await buildRunReport(summary);
    const elapsed = performance.now() - started;
    expect(await buildRunReport(summary)).toBe(first);
    expect(elapsed).toBeLessThan(2_000);
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

  it('adds the DET curve and the burden-versus-detection frontier for threshold sweeps', async () => {
    const input = inputFor(['policy.faceThreshold=0.25,0.325,0.4']);
    const ids = sweepCharts(input).map((chart) => chart.id);
    expect(ids).toEqual(['sweep-false-failure-rate', 'sweep-people-affected', 'sweep-false-escalations', 'sweep-false-accept-rate', 'sweep-det-curve', 'sweep-frontier']);
    const figures = figuresOf(await buildSweepReport(input));
    sweepCharts(input).forEach((chart, index) => expectReadableChart(figures[index]!, chart.title));
  });

  it('adds the frontier, not the DET curve, for policy sweeps, and neither for glitch sweeps', () => {
    expect(sweepCharts(inputFor(['policy.graceMinutes=0,60', 'policy.escalateAfterFailedWindows=1,2'])).map((chart) => chart.id)).toContain('sweep-frontier');
    expect(sweepCharts(inputFor(['policy.graceMinutes=0,60'])).map((chart) => chart.id)).not.toContain('sweep-det-curve');
    expect(sweepCharts(inputFor(['glitches.scale=0.5,2'])).map((chart) => chart.id)).toEqual(['sweep-false-failure-rate', 'sweep-people-affected', 'sweep-false-escalations']);
  });
});
