import { round } from '../report/chart-helpers.ts';
import { addHistograms, detCurve, operatingPoint, total } from '../report/det-curve.ts';
import { detSpec, floorDecade } from '../report/det-chart.ts';
import type { ChartDefinition } from '../report/report-types.ts';
import type { Summary } from '../metrics/summary.ts';
import type { SweepReportInput } from './sweep-report.ts';

/** The sweep's DET curve: from the verification study when every point has one, else from the fleet's scores. */
export function sweepDetChart(input: SweepReportInput): ChartDefinition {
  return input.points.every((point) => point.summary.verification) ? studyDetChart(input) : fleetDetChart(input);
}

/** The DET curve of all points' scores together, with each point's thresholds marked on it. */
function fleetDetChart(input: SweepReportInput): ChartDefinition {
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
 * The DET curve of the verification study, per attempt, with every swept threshold marked on it. The
 * study's rates are means of each window's probability of the error, so none is 0 short of
 * underflow; the axes reach a decade below the lowest swept threshold's rates, and at least to 1e-6,
 * the rate the study is sized to read.
 */
function studyDetChart(input: SweepReportInput): ChartDefinition {
  const modalities = [
    { name: 'face (selfie)', key: 'face' as const, field: 'policy.faceThreshold' },
    { name: 'voice (call)', key: 'voice' as const, field: 'policy.voiceThreshold' },
  ];
  const percent = (rate: number) => Number((100 * rate).toPrecision(6));
  const rates = (m: (typeof modalities)[number]) => {
    const byThreshold = new Map<number, { fmr: number; fnmr: number }>();
    for (const point of input.points) {
      for (const row of point.summary.verification![m.key].curve) byThreshold.set(row.threshold, { fmr: percent(row.attempt.falseMatch.value), fnmr: percent(row.attempt.falseNonMatch.value) });
    }
    return byThreshold;
  };
  const curve = modalities.flatMap((m) =>
    [...rates(m)]
      .filter(([, rate]) => rate.fmr > 0 && rate.fnmr > 0)
      .sort(([a], [b]) => a - b)
      .map(([, rate]) => ({ modality: m.name, ...rate })),
  );
  const swept = modalities.filter((m) => input.grid.some((field) => field.field === m.field));
  const markers = swept.flatMap((m) => {
    const byThreshold = rates(m);
    return [...new Set(input.points.map((point) => point.thresholds[m.key]))].map((threshold) => ({ modality: m.name, label: String(threshold), ...byThreshold.get(threshold)! }));
  });
  const axisMin = (values: number[]) => floorDecade(Math.min(1e-4, ...values.filter((value) => value > 0)) / 10);
  const xMin = axisMin(markers.map((marker) => marker.fmr));
  const yMin = axisMin(markers.map((marker) => marker.fnmr));
  const design = input.points[0]!.summary.verification!.design;
  return detSpec({
    id: 'sweep-det-curve',
    title: 'DET curve with the swept thresholds',
    subtitle: 'per attempt, from the verification study',
    guide: `Each dot is one swept threshold (labelled), every one of them, on the curve of the verification study: moving right along the curve admits more impostors and fails fewer genuine people. From ${design.genuineWindows.toLocaleString('en-US')} genuine windows and ${(design.impostorWindows + design.lookAlikeWindows).toLocaleString('en-US')} impostor windows a modality (first attempts; impostors in the scenario's mix of strangers and look-alikes), each contributing its probability of the error rather than whether it happened, which resolves rates far below one in the number of windows.`,
    curve,
    markers,
    xMin,
    yMin,
  });
}
