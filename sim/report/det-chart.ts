import { lines, round } from './chart-helpers.ts';
import { detCurve, operatingPoint, total } from './det-curve.ts';
import type { ChartDefinition } from './report-types.ts';
import type { Summary } from '../metrics/summary.ts';

/** The thresholds a run verified against, to mark its operating points on the DET curve. */
export interface RunThresholds {
  face: number;
  voice: number;
}

/** The run's DET curve per attempt, from its score histograms, with its thresholds marked. */
export function detChart(summary: Summary, thresholds: RunThresholds | undefined): ChartDefinition {
  const { scores } = summary;
  const modalities = [
    { name: 'face (selfie)', genuine: scores.genuineFace, impostor: scores.impostorFace, threshold: thresholds?.face },
    { name: 'voice (call)', genuine: scores.genuineVoice, impostor: scores.impostorVoice, threshold: thresholds?.voice },
  ];
  const genuineAttempts = modalities.reduce((sum, m) => sum + total(m.genuine), 0);
  const impostorAttempts = modalities.reduce((sum, m) => sum + total(m.impostor), 0);
  const curve = modalities.flatMap((m) =>
    total(m.genuine) === 0 || total(m.impostor) === 0
      ? []
      : detCurve(m.genuine, m.impostor, scores.binWidth)
          .filter((point) => point.falseMatchRate > 0 && point.falseNonMatchRate > 0)
          .map((point) => ({ modality: m.name, threshold: point.threshold, fmr: round(100 * point.falseMatchRate, 6), fnmr: round(100 * point.falseNonMatchRate, 6) })),
  );
  const xMin = floorDecade(Math.min(...curve.map((point) => point.fmr), 100 / Math.max(1, impostorAttempts)));
  const yMin = floorDecade(Math.min(...curve.map((point) => point.fnmr), 100 / Math.max(1, genuineAttempts)));
  const markers = modalities.flatMap((m) => {
    if (m.threshold === undefined || total(m.genuine) === 0 || total(m.impostor) === 0) return [];
    const point = operatingPoint(m.genuine, m.impostor, scores.binWidth, m.threshold);
    return [
      {
        modality: m.name,
        label: `threshold ${m.threshold}`,
        fmr: Math.max(xMin, round(100 * point.falseMatchRate, 6)),
        fnmr: Math.max(yMin, round(100 * point.falseNonMatchRate, 6)),
      },
    ];
  });
  return detSpec({
    id: 'det-curve',
    title: 'DET curve of verification, per attempt',
    subtitle: 'false non-match against false match, one point per threshold',
    guide: `Each point of a line is one similarity threshold: further left lets fewer impostors through, lower fails fewer genuine people; the dots are this run's thresholds (a dot on an edge stands for 0). From ${genuineAttempts.toLocaleString('en-US')} genuine and ${impostorAttempts.toLocaleString('en-US')} impostor attempts, so rates below about 1 in ${Math.max(1, impostorAttempts).toLocaleString('en-US')} cannot be seen.`,
    curve,
    markers,
    xMin,
    yMin,
  });
}

/** A DET chart on log–log axes: curve lines by modality, and labelled operating-point markers. */
export function detSpec(input: {
  id: string;
  title: string;
  subtitle: string;
  guide: string;
  curve: { modality: string; fmr: number; fnmr: number }[];
  markers: { modality: string; label: string; fmr: number; fnmr: number }[];
  xMin: number;
  yMin: number;
}): ChartDefinition {
  const x = { field: 'fmr', type: 'quantitative', title: lines('false-match rate', '(% of impostor attempts accepted, log scale)'), scale: { type: 'log', domain: [input.xMin, 100] as number[] } } as const;
  const y = { field: 'fnmr', type: 'quantitative', title: lines('false non-match rate', '(% of genuine attempts rejected, log scale)'), scale: { type: 'log', domain: [input.yMin, 100] as number[] } } as const;
  const color = { field: 'modality', type: 'nominal', title: 'modality', scale: { domain: ['face (selfie)', 'voice (call)'], range: ['#4c78a8', '#f58518'] }, legend: { orient: 'bottom' } } as const;
  return {
    id: input.id,
    title: input.title,
    guide: input.guide,
    spec: {
      title: { text: input.title, subtitle: input.subtitle },
      width: 330,
      height: 320,
      layer: [
        { data: { values: input.curve }, mark: { type: 'line', clip: true }, encoding: { x, y, color, order: { field: 'fmr', type: 'quantitative' } } },
        { data: { values: input.markers }, mark: { type: 'point', filled: true, size: 60, clip: true }, encoding: { x, y, color } },
        { data: { values: input.markers }, mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 10, clip: true }, encoding: { x, y, text: { field: 'label', type: 'nominal' } } },
      ],
    },
  };
}

/** The power of ten at or below a positive value (log-axis lower bounds that read well). */
export function floorDecade(value: number): number {
  return value > 0 && Number.isFinite(value) ? 10 ** Math.floor(Math.log10(value)) : 0.01;
}
