import type { ScoreHistogram } from '../metrics/summary.ts';

/** One threshold of a DET curve: per-attempt error rates (fractions) at `threshold`. */
export interface DetPoint {
  threshold: number;
  /** Share of impostor attempts scoring ≥ threshold (false match). */
  falseMatchRate: number;
  /** Share of genuine attempts scoring < threshold (false non-match). */
  falseNonMatchRate: number;
}

/**
 * The DET curve of a pair of score histograms (genuine, impostor) on the summary's bin grid: one
 * point per bin edge, from −1 to 1. Rates at a threshold inside a bin are interpolated linearly
 * (scores spread evenly within a bin).
 */
export function detCurve(genuine: ScoreHistogram, impostor: ScoreHistogram, binWidth: number): DetPoint[] {
  const edges = Math.round(2 / binWidth);
  const points: DetPoint[] = [];
  for (let edge = 0; edge <= edges; edge++) {
    const threshold = round(-1 + edge * binWidth);
    points.push(operatingPoint(genuine, impostor, binWidth, threshold));
  }
  return points;
}

/** Per-attempt false match and false non-match rates of a threshold. */
export function operatingPoint(genuine: ScoreHistogram, impostor: ScoreHistogram, binWidth: number, threshold: number): DetPoint {
  const genuineTotal = total(genuine);
  const impostorTotal = total(impostor);
  return {
    threshold,
    falseMatchRate: impostorTotal === 0 ? 0 : (impostorTotal - countBelow(impostor, binWidth, threshold)) / impostorTotal,
    falseNonMatchRate: genuineTotal === 0 ? 0 : countBelow(genuine, binWidth, threshold) / genuineTotal,
  };
}

/** Adds histograms on the same bin grid (e.g. the points of a sweep). */
export function addHistograms(histograms: readonly ScoreHistogram[], binWidth: number): ScoreHistogram {
  const bins = Math.round(2 / binWidth);
  const counts = new Array<number>(bins).fill(0);
  for (const histogram of histograms) {
    const first = Math.round((histogram.from + 1) / binWidth);
    histogram.counts.forEach((count, index) => {
      const bin = first + index;
      if (bin >= 0 && bin < bins) counts[bin] = counts[bin]! + count;
    });
  }
  const firstUsed = counts.findIndex((count) => count > 0);
  if (firstUsed < 0) return { from: -1, counts: [] };
  const lastUsed = counts.findLastIndex((count) => count > 0);
  return { from: round(-1 + firstUsed * binWidth), counts: counts.slice(firstUsed, lastUsed + 1) };
}

export function total(histogram: ScoreHistogram): number {
  return histogram.counts.reduce((sum, count) => sum + count, 0);
}

/** Scores below `threshold`: whole bins under it, and the part of the bin it falls in. */
function countBelow(histogram: ScoreHistogram, binWidth: number, threshold: number): number {
  let below = 0;
  histogram.counts.forEach((count, index) => {
    const start = histogram.from + index * binWidth;
    const end = start + binWidth;
    if (end <= threshold + 1e-9) below += count;
    else if (start < threshold - 1e-9) below += (count * (threshold - start)) / binWidth;
  });
  return below;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
