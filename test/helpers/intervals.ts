/**
 * Confidence intervals used by the statistical tests. Every bound in a validity test comes from one
 * of these at a stated confidence, around the model's analytic value, never from a past output.
 */

/** z for a two-sided 99.9 % interval: a correct model fails such a test about once in a thousand runs. */
export const Z_999 = 3.2905;

/** Wilson score interval for a binomial proportion k/n. */
export function wilsonInterval(successes: number, trials: number, z = Z_999): { low: number; high: number } {
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return { low: centre - half, high: centre + half };
}
