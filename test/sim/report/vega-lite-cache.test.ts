import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { compileChart } from '../../../sim/report/vega-lite-cache.ts';
import { runCharts } from '../../../sim/report/run-charts.ts';
import { sweepCharts } from '../../../sim/sweep/sweep-report.ts';
import { sweepRow } from '../../../sim/sweep/sweep-table.ts';
import { gridPoints, parseGridFlag } from '../../../sim/sweep/grid.ts';
import { loadFixture, thirtyDaySummary } from './report-fixtures.ts';
import { handBuiltSummary, mixedSummary } from './summary-fixture.ts';
import type { ChartDefinition } from '../../../sim/report/report-types.ts';
import type { Summary } from '../../../sim/metrics/summary.ts';

// Every chart the reports draw: a month's run (with and without a load section), the hand-built and
// mixed fixtures (empty and odd data), and the sweeps that add the DET curve and the frontier.
function everyChart(summary: Summary): ChartDefinition[] {
  const sweep = (flags: string[]) => {
    const grid = flags.map(parseGridFlag);
    return sweepCharts({
      scenario: 'test',
      seed: 1,
      grid,
      points: gridPoints(undefined, { participants: 10 }, grid).map((point) => ({
        row: sweepRow(point, summary),
        summary,
        thresholds: { face: point.scenario.policy.faceThreshold, voice: point.scenario.policy.voiceThreshold },
      })),
    });
  };
  return [
    ...runCharts(summary, { face: 0.325, voice: 0.35 }),
    ...runCharts({ ...summary, load: loadFixture() }),
    ...runCharts(handBuiltSummary()),
    ...runCharts(mixedSummary()),
    ...sweep(['policy.faceThreshold=0.25,0.325,0.4']),
    ...sweep(['policy.graceMinutes=0,60', 'policy.escalateAfterFailedWindows=1,2']),
  ];
}

describe("Vega-Lite's compile, kept by the chart's shape", () => {
  let charts: ChartDefinition[];
  let folder: string;
  const previousTmpdir = process.env.TMPDIR;
  beforeAll(async () => {
    charts = everyChart(await thirtyDaySummary());
  });
  // The cache folder is in the system's temporary folder: a fresh one per test.
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'vega-lite-cache-'));
    process.env.TMPDIR = folder;
  });
  afterEach(() => {
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
    rmSync(folder, { recursive: true, force: true });
  });

  const compiledWhole = (spec: TopLevelSpec) => vegaLite.compile(spec).spec;
  let compiles = 0;
  const counted = () => {
    compiles++;
    return vegaLite;
  };

  it('gives the Vega spec of a compile of the whole spec, for every chart, compiled or read from the cache', () => {
    expect(charts.length).toBeGreaterThan(30);
    compiles = 0;
    for (const { spec } of charts) expect(compileChart(spec, counted)).toEqual(compiledWhole(spec));
    const compiledCold = compiles;
    expect(compiledCold).toBeGreaterThan(0);
    expect(compiledCold).toBeLessThan(charts.length);
    for (const { spec } of charts) expect(compileChart(spec, counted)).toEqual(compiledWhole(spec));
    expect(compiles).toBe(compiledCold);
  });

  it('reads a chart of another run, with other data and subtitles, from the cache', async () => {
    const [escalations] = charts.filter((chart) => chart.id === 'escalations-per-day');
    const other = runCharts({ ...(await thirtyDaySummary()), seed: 9 }).find((chart) => chart.id === 'escalations-per-day')!;
    const withOtherCounts = structuredClone(other.spec) as { title: { subtitle: string }; data: { values: { escalations: number }[] } };
    withOtherCounts.title.subtitle = 'seven in the period, of which two false';
    withOtherCounts.data.values[0]!.escalations += 5;
    compiles = 0;
    compileChart(escalations!.spec, counted);
    expect(compileChart(withOtherCounts as TopLevelSpec, counted)).toEqual(compiledWhole(withOtherCounts as TopLevelSpec));
    expect(compiles).toBe(1);
  });

  it('compiles again past a damaged cache file, and writes it afresh', () => {
    const { spec } = charts[0]!;
    compileChart(spec, counted);
    const [cacheFolder] = readdirSync(folder);
    const [file] = readdirSync(join(folder, cacheFolder!));
    writeFileSync(join(folder, cacheFolder!, file!), '{"half a spec');
    compiles = 0;
    expect(compileChart(spec, counted)).toEqual(compiledWhole(spec));
    expect(compiles).toBe(1);
    expect(compileChart(spec, counted)).toEqual(compiledWhole(spec));
    expect(compiles).toBe(1);
  });
});
