import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { lines, round } from './chart-helpers.ts';
import { addHistograms, detCurve, operatingPoint, total } from './det-curve.ts';
import { htmlPage } from './html-page.ts';
import { renderCharts, REPORT_FILE } from './run-report.ts';
import { detSpec, floorDecade } from './run-charts.ts';
import type { ChartDefinition, HeadlineRow } from './report-types.ts';
import type { Summary } from '../metrics/summary.ts';
import type { GridField } from '../sweep/grid.ts';
import type { SweepRow } from '../sweep/sweep-table.ts';

/** What a sweep's report reads: the grid, and for each point its row, summary and thresholds. */
export interface SweepReportInput {
  scenario: string;
  seed: number;
  grid: readonly GridField[];
  points: readonly { row: SweepRow; summary: Summary; thresholds: { face: number; voice: number } }[];
}

const WIDTH = 440;
const THRESHOLD_FIELDS = ['policy.faceThreshold', 'policy.voiceThreshold'];

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
      'Rates are fractions of windows (false failures: of windows answered in good faith; false accepts: of impostor windows) with 95 % Wilson intervals; counts per 1,000 participants have 95 % Poisson score intervals.',
      'sweep.csv and sweep.json in this folder hold every figure of every point; points/<n>/summary.json holds each point’s whole summary (compare two with `checkin-sim compare`).',
      'Every figure comes from synthetic participants.',
    ],
  });
}

export function sweepCharts(input: SweepReportInput): ChartDefinition[] {
  const rows = input.points.map((point) => point.row);
  const fields = input.grid.map((field) => field.field);
  const charts = [
    metricChart(input, {
      id: 'sweep-false-failure-rate',
      title: 'False-failure rate across the grid',
      guide: 'Share of windows answered in good faith that failed, at each point, with its 95 % interval: where the line climbs, that setting costs compliant people check-ins.',
      yTitle: ['false failures', '(% of good-faith windows)'],
      pick: (row) => ({ value: 100 * row.falseFailureRate.value, low: 100 * row.falseFailureRate.low, high: 100 * row.falseFailureRate.high }),
    }),
    metricChart(input, {
      id: 'sweep-people-affected',
      title: 'People affected across the grid',
      guide: 'Share of participants with at least one false failure in the period, with its 95 % interval.',
      yTitle: ['people affected', '(% of participants)'],
      pick: (row) => ({ value: 100 * row.peopleAffectedShare.value, low: 100 * row.peopleAffectedShare.low, high: 100 * row.peopleAffectedShare.high }),
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
        pick: (row) => ({ value: 100 * row.falseAcceptRate.value, low: 100 * row.falseAcceptRate.low, high: 100 * row.falseAcceptRate.high }),
      }),
      sweepDetChart(input),
    );
  }
  if (fields.some((field) => field.startsWith('policy.'))) charts.push(frontierChart(input.grid, rows));
  return charts;
}

interface MetricOptions {
  id: string;
  title: string;
  guide: string;
  yTitle: string | string[];
  pick: (row: SweepRow) => { value: number; low: number; high: number };
}

/** A figure at each point: x is the first grid field, colour the values of the others. */
function metricChart(input: SweepReportInput, options: MetricOptions): ChartDefinition {
  const [xField, ...rest] = input.grid;
  // Fields held at one value make no series of their own.
  const others = rest.filter((field) => field.values.length > 1);
  const numericX = xField !== undefined && xField.values.every((value) => typeof value === 'number');
  const values = input.points.map(({ row }) => {
    const figure = options.pick(row);
    return {
      x: xField === undefined ? row.label : row.values[xField.field],
      series: others.length === 0 ? 'all points' : others.map((field) => String(row.values[field.field])).join(' · '),
      value: round(figure.value, 6),
      low: round(figure.low, 6),
      high: round(figure.high, 6),
    };
  });
  const x = { field: 'x', type: numericX ? 'quantitative' : 'ordinal', title: xField?.field ?? 'point', ...(numericX ? { scale: { zero: false } } : { sort: null }) };
  const color = { field: 'series', type: 'nominal', title: others.flatMap((field) => shortName(field.field)), legend: others.length === 0 ? null : { orient: 'bottom' } };
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

/** The DET curve of all points' scores together, with each point's thresholds marked on it. */
function sweepDetChart(input: SweepReportInput): ChartDefinition {
  const binWidth = input.points[0]?.summary.scores.binWidth ?? 0.01;
  const pooled = (name: keyof Omit<Summary['scores'], 'binWidth'>) => addHistograms(input.points.map((point) => point.summary.scores[name]), binWidth);
  const modalities = [
    { name: 'face (selfie)', genuine: pooled('genuineFace'), impostor: pooled('impostorFace'), field: 'policy.faceThreshold', key: 'face' as const },
    { name: 'voice (call)', genuine: pooled('genuineVoice'), impostor: pooled('impostorVoice'), field: 'policy.voiceThreshold', key: 'voice' as const },
  ];
  const usable = modalities.filter((m) => total(m.genuine) > 0 && total(m.impostor) > 0);
  const curve = usable.flatMap((m) =>
    detCurve(m.genuine, m.impostor, binWidth)
      .filter((point) => point.falseMatchRate > 0 && point.falseNonMatchRate > 0)
      .map((point) => ({ modality: m.name, fmr: round(100 * point.falseMatchRate, 6), fnmr: round(100 * point.falseNonMatchRate, 6) })),
  );
  const impostorAttempts = usable.reduce((sum, m) => sum + total(m.impostor), 0);
  const genuineAttempts = usable.reduce((sum, m) => sum + total(m.genuine), 0);
  const xMin = floorDecade(Math.min(...curve.map((point) => point.fmr), 100 / Math.max(1, impostorAttempts)));
  const yMin = floorDecade(Math.min(...curve.map((point) => point.fnmr), 100 / Math.max(1, genuineAttempts)));
  const swept = usable.filter((m) => input.grid.some((field) => field.field === m.field));
  const thresholds = swept.flatMap((m) => [...new Set(input.points.map((point) => point.thresholds[m.key]))].map((threshold) => ({ m, threshold })));
  const markers = thresholds.map(({ m, threshold }) => {
    const point = operatingPoint(m.genuine, m.impostor, binWidth, threshold);
    return { modality: m.name, label: String(threshold), fmr: Math.max(xMin, round(100 * point.falseMatchRate, 6)), fnmr: Math.max(yMin, round(100 * point.falseNonMatchRate, 6)) };
  });
  return detSpec({
    id: 'sweep-det-curve',
    title: 'DET curve with the swept thresholds',
    subtitle: 'per attempt, from the scores of every point together',
    guide: `Each dot is one swept threshold (labelled) on the curve of all points' scores: moving right along the curve admits more impostors and fails fewer genuine people. From ${genuineAttempts.toLocaleString('en-US')} genuine and ${impostorAttempts.toLocaleString('en-US')} impostor attempts; a dot on an edge stands for 0.`,
    curve,
    markers,
    xMin,
    yMin,
  });
}

/**
 * Burden against detection: each point's false escalations (burden on compliant people) against the
 * median time to detect an absconder; the line joins the points no other point beats on both.
 * Colour is the first grid field, shape the others, so that points at one place stay readable.
 */
function frontierChart(grid: readonly GridField[], rows: readonly SweepRow[]): ChartDefinition {
  const [first, ...rest] = grid;
  const others = rest.filter((field) => field.values.length > 1);
  const points = rows
    .filter((row) => row.detectionDelayHours.p50 !== null)
    .map((row) => ({
      colour: first === undefined ? row.label : String(row.values[first.field]),
      shape: others.map((field) => String(row.values[field.field])).join(' · '),
      delay: row.detectionDelayHours.p50!,
      burden: round(row.falseEscalationsPer1000.value, 4),
    }));
  const frontier = points
    .filter((a) => !points.some((b) => b.delay <= a.delay && b.burden <= a.burden && (b.delay < a.delay || b.burden < a.burden)))
    .sort((a, b) => a.delay - b.delay || a.burden - b.burden);
  const x = { field: 'delay', type: 'quantitative', title: 'median time to detect an absconder (h)', scale: { zero: false } } as const;
  const y = { field: 'burden', type: 'quantitative', title: lines('false escalations', '(per 1,000 participants)') } as const;
  const colourDomain = first === undefined ? undefined : first.values.map(String);
  const title = 'Burden versus detection';
  return {
    id: 'sweep-frontier',
    title,
    guide: 'Each mark is one point of the grid: lower means fewer compliant people flagged, further left means absconders are noticed sooner; the dashed line joins the points no other point beats on both, the settings worth choosing between.',
    spec: {
      title: { text: title, subtitle: 'false escalations against median detection delay; dashed: the frontier' },
      width: 340,
      height: 260,
      layer: [
        { data: { values: frontier }, mark: { type: 'line', color: '#e45756', strokeDash: [4, 3] }, encoding: { x, y, order: { field: 'delay', type: 'quantitative' } } },
        {
          data: { values: points },
          mark: { type: 'point', filled: true, size: 70, opacity: 0.85 },
          encoding: {
            x,
            y,
            color: { field: 'colour', type: 'ordinal', title: shortName(first?.field ?? 'point'), scale: { scheme: 'viridis', ...(colourDomain ? { domain: colourDomain } : {}) }, sort: null, legend: { titleLimit: 200 } },
            shape: others.length === 0 ? { value: 'circle' } : { field: 'shape', type: 'nominal', title: others.flatMap((field) => shortName(field.field)), legend: { titleLimit: 200 } },
          },
        },
      ],
    } as TopLevelSpec,
  };
}

/** The last part of a field's path in words, on lines of ~16 characters: `policy.graceMinutes` → ['grace minutes']. */
function shortName(field: string): string[] {
  const words = (field.split('.').at(-1) ?? field).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ');
  return words.reduce<string[]>((wrapped, word) => {
    const last = wrapped.at(-1);
    if (last !== undefined && last.length + word.length < 16) wrapped[wrapped.length - 1] = `${last} ${word}`;
    else wrapped.push(word);
    return wrapped;
  }, []);
}

function headlineRows(input: SweepReportInput): HeadlineRow[] {
  const rows = input.points.map((point) => point.row);
  const by = (pick: (row: SweepRow) => number) => [...rows].sort((a, b) => pick(a) - pick(b));
  const lowestFfr = by((row) => row.falseFailureRate.value)[0];
  const highestFfr = by((row) => row.falseFailureRate.value).at(-1);
  const fewestFalseEscalations = by((row) => row.falseEscalationsPer1000.value)[0];
  const pct = (rate: number) => `${(100 * rate).toFixed(2)} %`;
  return [
    { label: 'points', value: String(rows.length), note: input.grid.map((field) => `${field.field}: ${field.values.length} values`).join('; ') },
    ...(lowestFfr ? [{ label: 'lowest false-failure rate', value: pct(lowestFfr.falseFailureRate.value), note: lowestFfr.label }] : []),
    ...(highestFfr ? [{ label: 'highest false-failure rate', value: pct(highestFfr.falseFailureRate.value), note: highestFfr.label }] : []),
    ...(fewestFalseEscalations ? [{ label: 'fewest false escalations', value: `${fewestFalseEscalations.falseEscalationsPer1000.value.toFixed(1)} per 1,000`, note: fewestFalseEscalations.label }] : []),
  ];
}
