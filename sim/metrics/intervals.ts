/**
 * Confidence intervals for the figures people read in tables, reports, sweeps and comparisons.
 * All are two-sided at 95 % unless a z is given. Each figure gets an interval of its own (Wilson for
 * a proportion, the score interval for a Poisson count, order statistics for a quantile); a
 * difference of two independent figures then gets its interval by MOVER (Zou & Donner 2008), which
 * for two Wilson intervals is Newcombe's hybrid score interval (Newcombe 1998, method 10).
 */

/** z of a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** An estimate with its interval. */
export interface Estimate extends Interval {
  value: number;
}

/** Wilson score interval for a proportion k/n; the whole of [0, 1] when n is 0. */
export function wilson(successes: number, trials: number, z = Z_95): Estimate {
  if (trials <= 0) return { value: 0, low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Wilson interval of k/n, or null when n is 0: a rate with nothing to divide by is shown as a dash,
 * never as 0 (summary.json's `Rate`).
 */
export function wilsonRate(successes: number, trials: number, z = Z_95): Estimate | null {
  return trials <= 0 ? null : wilson(successes, trials, z);
}

/**
 * Score interval for a Poisson rate: `count` events over `exposure` units (e.g. thousands of
 * participant-months). Solves (c − λe)² = z²·λe, so a count of 0 still gets an upper bound.
 */
export function poissonRate(count: number, exposure: number, z = Z_95): Estimate {
  if (exposure <= 0) return { value: 0, low: 0, high: Number.POSITIVE_INFINITY };
  const z2 = z * z;
  const root = z * Math.sqrt(count + z2 / 4);
  return { value: count / exposure, low: Math.max(0, count + z2 / 2 - root) / exposure, high: (count + z2 / 2 + root) / exposure };
}

/**
 * Distribution-free interval for the q-quantile of n samples, read off a table of quantiles
 * (level → value): the levels q ± z·√(q(1−q)/n) rounded outwards to the table's levels. Levels
 * below the table's first give `floor` (e.g. 0 hours), above its last give its last value.
 */
export function quantileInterval(table: readonly { quantile: number; value: number }[], q: number, n: number, floor: number, z = Z_95): Estimate | null {
  if (n <= 0 || table.length === 0) return null;
  const at = (level: number, direction: 'down' | 'up'): number => {
    const candidates = direction === 'down' ? table.filter((row) => row.quantile <= level + 1e-12) : table.filter((row) => row.quantile >= level - 1e-12);
    if (direction === 'down') return candidates.length === 0 ? floor : candidates[candidates.length - 1]!.value;
    return candidates.length === 0 ? table[table.length - 1]!.value : candidates[0]!.value;
  };
  const half = z * Math.sqrt((q * (1 - q)) / n);
  return { value: at(q, 'up'), low: at(q - half, 'down'), high: at(q + half, 'up') };
}

/** MOVER interval for b − a, from the two estimates' own intervals. */
export function differenceInterval(a: Estimate, b: Estimate): Estimate {
  const difference = b.value - a.value;
  const low = difference - Math.sqrt((b.value - b.low) ** 2 + (a.high - a.value) ** 2);
  const high = difference + Math.sqrt((b.high - b.value) ** 2 + (a.value - a.low) ** 2);
  return { value: difference, low, high };
}
