import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { round } from '../report/chart-helpers.ts';
import { htmlPage } from '../report/html-page.ts';
import { renderCharts, REPORT_FILE } from '../report/run-report.ts';
import { floored, frontierCharts, shortName, THRESHOLD_FIELDS } from './sweep-frontiers.ts';
import { sweepDetChart } from './sweep-det-charts.ts';
import type { ChartDefinition, HeadlineRow } from '../report/report-types.ts';
import type { Summary } from '../metrics/summary.ts';
import type { GridField } from './grid.ts';
import type { RateEstimate, SweepRow } from './sweep-table.ts';

/** What a sweep's report reads: the grid, and for each point its row, summary and thresholds. */
export interface SweepReportInput {
  scenario: string;
  seed: number;
  grid: readonly GridField[];
  points: readonly { row: SweepRow; summary: Summary; thresholds: { face: number; voice: number } }[];
}

const WIDTH = 440;

export async function writeSweepReport(outDir: string, input: SweepReportInput): Promise<string> {
  const file = join(outDir, REPORT_FILE);
  writeFileSync(file, await buildSweepReport(input));
  return file;
}

export async function buildSweepReport(input: SweepReportInput): Promise<string> {
  const charts = await renderCharts(sweepCharts(input));
  const first = input.points[0]?.row;
  return htmlPage({
    title: `checkin-sim sweep: ${input.scenario}`,
    subtitle: `${input.points.length} points · ${first ? `${first.participants.toLocaleString('en-US')} participants × ${first.days} days · ` : ''}seed ${input.seed} · grid ${input.grid.map((field) => `${field.field} = ${field.values.join(', ')}`).join(' × ')}`,
    headline: headlineRows(input),
    charts,
    notes: [
      'Every point is a whole run with the same seed, so points differ only by the grid values (common random numbers): differences between points are less noisy than the intervals, which treat points as independent, suggest.',
      "False failures are shown by class, system first: the system class is the programme's technology failing a person who acted in time; all causes adds the person's phone (device), the window's placement (schedule) and people who saw the prompt and did not answer (person).",
      'Rates are fractions of windows (false failures: of windows answered in good faith; false accepts: of impostor windows) with 95 % Wilson intervals; counts per 1,000 participants have 95 % Poisson score intervals. A rate with nothing to divide by has no mark.',
      'sweep.csv and sweep.json in this folder hold every figure of every point; points/<n>/summary.json holds each point’s whole summary (compare two with `checkin-sim compare`).',
      'Every figure comes from synthetic participants.',
    ],
  });
}

/** A rate estimate in percent for a chart; null (no point drawn) when the rate has no denominator. */
function percentOf(rate: RateEstimate): { value: number; low: number; high: number } | null {
  if (rate.value === null || rate.low === null || rate.high === null) return null;
  return { value: 100 * rate.value, low: 100 * rate.low, high: 100 * rate.high };
}

export function sweepCharts(input: SweepReportInput): ChartDefinition[] {
  const fields = input.grid.map((field) => field.field);
  const charts = [
    metricChart(input, {
      id: 'sweep-system-rate',
      title: 'False-failure rate, system (technology), across the grid',
      guide: "Share of windows answered in good faith that the programme's technology failed (system class), at each point, with its 95 % interval: the burden the settings put on people who acted in time; where the line climbs, that setting costs them check-ins.",
      yTitle: ['false failures, system', '(% of good-faith windows)'],
      pick: (row) => percentOf(row.systemRate),
    }),
    metricChart(input, {
      id: 'sweep-all-causes-rate',
      title: 'False-failure rate, all causes, across the grid',
      guide: 'Share of windows answered in good faith that failed for any cause (system, device, schedule and people who did not answer), with its 95 % interval: read it beside the system rate above.',
      yTitle: ['false failures, all causes', '(% of good-faith windows)'],
      pick: (row) => percentOf(row.falseFailureRate),
    }),
    metricChart(input, {
      id: 'sweep-people-affected',
      title: 'People affected across the grid',
      guide: 'Share of participants with at least one false failure of any cause in the period, with its 95 % interval.',
      yTitle: ['people affected, all causes', '(% of participants)'],
      pick: (row) => percentOf(row.peopleAffectedShare),
    }),
    metricChart(input, {
      id: 'sweep-false-escalations',
      title: 'False escalations across the grid',
      guide: 'Officer alerts about people who had not absconded, per 1,000 participants over the period, with 95 % intervals.',
      yTitle: ['false escalations', '(per 1,000 participants)'],
      pick: (row) => row.falseEscalationsPer1000,
    }),
  ];
  if (fields.some((field) => THRESHOLD_FIELDS.includes(field))) {
    charts.push(
      metricChart(input, {
        id: 'sweep-false-accept-rate',
        title: 'False-accept rate across the grid',
        guide: 'Share of impostor windows verified, with its 95 % interval: the security side of a threshold; few impostor windows make wide intervals.',
        yTitle: ['false accepts', '(% of impostor windows)'],
        pick: (row) => percentOf(row.falseAcceptRate),
      }),
      ...(input.points.every((point) => point.summary.verification) ? [studyFalseMatchChart(input)] : []),
      sweepDetChart(input),
    );
  }
  return [...charts, ...frontierCharts(input)];
}

interface MetricOptions {
  id: string;
  title: string;
  guide: string;
  yTitle: string | string[];
  /** The figure of a point with its interval; null draws no mark for that point. */
  pick: (row: SweepRow) => { value: number; low: number; high: number } | null;
}

/** A figure at each point: x is the first grid field, colour the values of the others. */
function metricChart(input: SweepReportInput, options: MetricOptions): ChartDefinition {
  const [xField, ...rest] = input.grid;
  // Fields held at one value make no series of their own.
  const others = rest.filter((field) => field.values.length > 1);
  const numericX = xField !== undefined && xField.values.every((value) => typeof value === 'number');
  // Every point's series in the domain, drawn or not, so that a series keeps its colour from chart to chart.
  const seriesOf = (row: SweepRow) => (others.length === 0 ? 'all points' : others.map((field) => String(row.values[field.field])).join(' · '));
  const domain = [...new Set(input.points.map(({ row }) => seriesOf(row)))];
  const values = input.points.flatMap(({ row }) => {
    const figure = options.pick(row);
    if (figure === null) return [];
    return [
      {
        x: xField === undefined ? row.label : row.values[xField.field],
        series: seriesOf(row),
        value: round(figure.value, 6),
        low: round(figure.low, 6),
        high: round(figure.high, 6),
      },
    ];
  });
  const x = { field: 'x', type: numericX ? 'quantitative' : 'ordinal', title: xField?.field ?? 'point', ...(numericX ? { scale: { zero: false } } : { sort: null }) };
  const color = { field: 'series', type: 'nominal', title: others.flatMap((field) => shortName(field.field)), scale: { domain }, legend: others.length === 0 ? null : { orient: 'bottom' } };
  return {
    id: options.id,
    title: options.title,
    guide: options.guide,
    spec: {
      title: options.title,
      width: WIDTH,
      height: 220,
      data: { values },
      layer: [
        { mark: { type: 'line', point: { filled: true, size: 40 } }, encoding: { x, y: { field: 'value', type: 'quantitative', title: options.yTitle }, color } },
        { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color } },
      ],
    } as TopLevelSpec,
  };
}

/** The study's false-match rate per window at each point's face threshold, on a log scale. */
function studyFalseMatchChart(input: SweepReportInput): ChartDefinition {
  const chart = metricChart(input, {
    id: 'sweep-study-false-match',
    title: 'False-match rate per window, verification study (face)',
    guide:
      "From the verification study beside the fleet (summary.json's verification section): the probability that an impostor window (random strangers and look-alikes in the scenario's mix) is matched by any attempt, averaged over the study's windows, at each point's face threshold, with a 95 % interval, on a log scale. The fleet's own false-accept chart above rests on its few impostor windows; this one resolves the rate.",
    yTitle: ['false matches per impostor window', '(study, log scale)'],
    pick: (row) => (row.study && row.study.face.windowFalseMatch.high > 0 ? floored(row.study.face.windowFalseMatch) : null),
  });
  const spec = chart.spec as { layer: { encoding: { y: Record<string, unknown> } }[] };
  for (const layer of spec.layer) layer.encoding.y = { ...layer.encoding.y, scale: { type: 'log' } };
  return chart;
}

function headlineRows(input: SweepReportInput): HeadlineRow[] {
  const rows = input.points.map((point) => point.row);
  const pct = (rate: number) => `${(100 * rate).toFixed(2)} %`;
  // Points whose system rate has no denominator (no good-faith windows) rank nowhere.
  const bySystemRate = rows.filter((row) => row.systemRate.value !== null).sort((a, b) => a.systemRate.value! - b.systemRate.value!);
  const lowest = bySystemRate[0];
  const highest = bySystemRate.at(-1);
  const allCauses = rows.flatMap((row) => (row.falseFailureRate.value === null ? [] : [row.falseFailureRate.value]));
  const fewestFalseEscalations = [...rows].sort((a, b) => a.falseEscalationsPer1000.value - b.falseEscalationsPer1000.value)[0];
  return [
    { label: 'points', value: String(rows.length), note: input.grid.map((field) => `${field.field}: ${field.values.length} values`).join('; ') },
    ...(lowest ? [{ label: 'lowest false-failure rate, system', value: pct(lowest.systemRate.value!), note: lowest.label }] : []),
    ...(highest ? [{ label: 'highest false-failure rate, system', value: pct(highest.systemRate.value!), note: highest.label }] : []),
    ...(allCauses.length > 0
      ? [{ label: 'false-failure rate, all causes', value: `${pct(Math.min(...allCauses))} to ${pct(Math.max(...allCauses))}`, note: 'over the points; it also counts phones, the schedule and people who did not answer' }]
      : []),
    ...(fewestFalseEscalations ? [{ label: 'fewest false escalations', value: `${fewestFalseEscalations.falseEscalationsPer1000.value.toFixed(1)} per 1,000`, note: fewestFalseEscalations.label }] : []),
    ...studyHeadlines(input),
  ];
}

/** The verification study at each distinct face threshold of the grid: false matches per window, resolved. */
function studyHeadlines(input: SweepReportInput): HeadlineRow[] {
  if (!input.grid.some((field) => THRESHOLD_FIELDS.includes(field.field))) return [];
  const seen = new Set<number>();
  return input.points.flatMap(({ row }) => {
    if (!row.study || seen.has(row.study.face.threshold)) return [];
    seen.add(row.study.face.threshold);
    const { threshold, windowFalseMatch: fm, windowFalseNonMatch: fnm } = row.study.face;
    const e = (value: number) => (value === 0 ? '0' : value.toExponential(1));
    return [
      {
        label: `study at face threshold ${threshold}`,
        value: `false match ${e(fm.value)} (${e(fm.low)}–${e(fm.high)}) per window`,
        note: `false non-match ${e(fnm.value)} (${e(fnm.low)}–${e(fnm.high)}); a year: ${row.study.falseAcceptsPerYear.value.toFixed(1)} false accepts, ${Math.round(row.study.verificationFalseFailuresPerYear.value).toLocaleString('en-US')} verification false failures`,
      },
    ];
  });
}
