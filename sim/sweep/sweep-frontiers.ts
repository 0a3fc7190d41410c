import type { TopLevelSpec } from 'vega-lite';
import { lines, round } from '../report/chart-helpers.ts';
import type { ChartDefinition } from '../report/report-types.ts';
import type { GridField } from './grid.ts';
import type { SweepReportInput } from './sweep-report.ts';
import type { SweepRow } from './sweep-table.ts';

/** The fields that set a verification threshold. */
export const THRESHOLD_FIELDS: readonly string[] = ['policy.faceThreshold', 'policy.voiceThreshold'];

/**
 * The trade-off charts that fit what the grid moves (a field held at one value moves nothing): a
 * threshold trades verification false failures against false matches (from the study); another
 * policy field (grace, retries, escalation rule, excuses) trades burden against detection delay, which
 * a threshold leaves alone; a grid moving both gets both.
 */
export function frontierCharts(input: SweepReportInput): ChartDefinition[] {
  const moved = input.grid.filter((field) => field.values.length > 1).map((field) => field.field);
  const thresholds = moved.some((field) => THRESHOLD_FIELDS.includes(field)) && input.points.every((point) => point.row.study);
  const policy = moved.some((field) => field.startsWith('policy.') && !THRESHOLD_FIELDS.includes(field));
  return [
    ...(thresholds ? [thresholdFrontierChart(input)] : []),
    ...(policy ? [burdenDetectionChart(input.grid, input.points.map((point) => point.row))] : []),
  ];
}

/** The points no other point beats on both figures (lower is better on each), in order of the first. */
function nonDominated<T>(points: readonly T[], a: (point: T) => number, b: (point: T) => number): T[] {
  return points
    .filter((p) => !points.some((q) => a(q) <= a(p) && b(q) <= b(p) && (a(q) < a(p) || b(q) < b(p))))
    .sort((p, q) => a(p) - a(q) || b(p) - b(q));
}

/**
 * False failures against false matches: at each point, the study's expected verification false
 * failures a year for the point's fleet against its false-match rate per impostor window at the swept
 * modality's threshold, both with 95 % intervals; the line joins the points no other beats on both.
 */
function thresholdFrontierChart(input: SweepReportInput): ChartDefinition {
  const modality = input.grid.some((field) => field.field === 'policy.faceThreshold' && field.values.length > 1) ? 'face' : 'voice';
  const others = input.grid.filter((field) => !THRESHOLD_FIELDS.includes(field.field) && field.values.length > 1);
  const points = input.points.map(({ row }) => {
    const study = row.study!;
    const falseMatch = floored(study[modality].windowFalseMatch);
    const failures = floored(study.verificationFalseFailuresPerYear);
    return {
      threshold: String(study[modality].threshold),
      shape: others.length === 0 ? 'all points' : others.map((field) => String(row.values[field.field])).join(' · '),
      rate: study[modality].windowFalseMatch.value,
      fmr: falseMatch.value,
      fmrLow: falseMatch.low,
      fmrHigh: falseMatch.high,
      failuresPerYear: study.verificationFalseFailuresPerYear.value,
      failures: round(failures.value, 1),
      failuresLow: round(failures.low, 1),
      failuresHigh: round(failures.high, 1),
    };
  });
  const frontier = nonDominated(points, (point) => point.rate, (point) => point.failuresPerYear);
  const x = { field: 'fmr', type: 'quantitative', title: lines('false matches per impostor window', `(study, ${modality}, log scale)`), scale: { type: 'log' } } as const;
  const y = { field: 'failures', type: 'quantitative', title: lines('verification false failures a year', '(study, this fleet, log scale)'), scale: { type: 'log' } } as const;
  const title = 'False failures versus false matches';
  return {
    id: 'sweep-threshold-frontier',
    title,
    guide: `Each mark is one point of the grid, labelled with its ${modality} threshold: further left lets fewer impostors through, lower fails fewer genuine people a year; bars are 95 % intervals, and the dashed line joins the points no other point beats on both. Both figures come from the verification study (on log scales: a zero estimate is drawn at a tenth of its upper bound); a threshold does not change when an absconder is noticed, so this, not burden against detection, is its trade-off.`,
    spec: {
      title: { text: title, subtitle: 'from the verification study; dashed: the frontier' },
      width: 340,
      height: 260,
      layer: [
        { data: { values: frontier }, mark: { type: 'line', color: '#e45756', strokeDash: [4, 3] }, encoding: { x, y, order: { field: 'fmr', type: 'quantitative' } } },
        { data: { values: points }, mark: { type: 'rule', color: '#888' }, encoding: { x: { ...x, field: 'fmrLow' }, x2: { field: 'fmrHigh' }, y } },
        { data: { values: points }, mark: { type: 'rule', color: '#888' }, encoding: { x, y: { ...y, field: 'failuresLow' }, y2: { field: 'failuresHigh' } } },
        {
          data: { values: points },
          mark: { type: 'point', filled: true, size: 70, opacity: 0.85 },
          encoding: { x, y, shape: others.length === 0 ? { value: 'circle' } : { field: 'shape', type: 'nominal', title: others.flatMap((field) => shortName(field.field)), legend: { titleLimit: 200 } } },
        },
        { data: { values: points }, mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 10 }, encoding: { x, y, text: { field: 'threshold', type: 'nominal' } } },
      ],
    } as TopLevelSpec,
  };
}

/**
 * Burden against detection: each point's false escalations (burden on compliant people) against the
 * median time to detect an absconder; the line joins the points no other point beats on both.
 * Colour is the first grid field, shape the others, so that points at one place stay readable.
 */
function burdenDetectionChart(grid: readonly GridField[], rows: readonly SweepRow[]): ChartDefinition {
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


/** A rate for a log axis: a zero estimate or bound drawn at a tenth of its upper bound. */
export function floored(rate: { value: number; low: number; high: number }): { value: number; low: number; high: number } {
  const floor = rate.high / 10;
  return { value: Math.max(rate.value, floor), low: Math.max(rate.low, floor), high: rate.high };
}


/** The last part of a field's path in words, on lines of ~16 characters: `policy.graceMinutes` → ['grace minutes']. */
export function shortName(field: string): string[] {
  const words = (field.split('.').at(-1) ?? field).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ');
  return words.reduce<string[]>((wrapped, word) => {
    const last = wrapped.at(-1);
    if (last !== undefined && last.length + word.length < 16) wrapped[wrapped.length - 1] = `${last} ${word}`;
    else wrapped.push(word);
    return wrapped;
  }, []);
}

