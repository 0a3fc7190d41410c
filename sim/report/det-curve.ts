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
  const tallies = { genuine: new Tally(genuine, binWidth), impostor: new Tally(impostor, binWidth) };
  const points: DetPoint[] = [];
  for (let edge = 0; edge <= edges; edge++) points.push(pointOf(tallies, round(-1 + edge * binWidth)));
  return points;
}

/** Per-attempt false match and false non-match rates of a threshold. */
export function operatingPoint(genuine: ScoreHistogram, impostor: ScoreHistogram, binWidth: number, threshold: number): DetPoint {
  return pointOf({ genuine: new Tally(genuine, binWidth), impostor: new Tally(impostor, binWidth) }, threshold);
}

function pointOf({ genuine, impostor }: { genuine: Tally; impostor: Tally }, threshold: number): DetPoint {
  return {
    threshold,
    falseMatchRate: impostor.total === 0 ? 0 : (impostor.total - impostor.below(threshold)) / impostor.total,
    falseNonMatchRate: genuine.total === 0 ? 0 : genuine.below(threshold) / genuine.total,
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

/**
 * A histogram with its running totals, so that the scores below a threshold take a search instead of
 * a pass over every bin (a curve has a point per bin edge).
 */
class Tally {
  readonly total: number;
  /** Scores in the bins before bin i, at index i. */
  private readonly before: number[] = [0];

  constructor(
    private readonly histogram: ScoreHistogram,
    private readonly binWidth: number,
  ) {
    for (const count of histogram.counts) this.before.push(this.before.at(-1)! + count);
    this.total = this.before.at(-1)!;
  }

  /** Scores below `threshold`: whole bins under it, and the part of the bin it falls in. */
  below(threshold: number): number {
    const { counts } = this.histogram;
    // Bins end in order, so those wholly under the threshold are the first `whole` of them.
    let whole = 0;
    let beyond = counts.length;
    while (whole < beyond) {
      const middle = (whole + beyond) >>> 1;
      if (this.start(middle) + this.binWidth <= threshold + 1e-9) whole = middle + 1;
      else beyond = middle;
    }
    const start = this.start(whole);
    const part = whole < counts.length && start < threshold - 1e-9 ? (counts[whole]! * (threshold - start)) / this.binWidth : 0;
    return this.before[whole]! + part;
  }

  private start(bin: number): number {
    return this.histogram.from + bin * this.binWidth;
  }
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
