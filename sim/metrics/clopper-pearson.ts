/**
 * Exact (Clopper–Pearson) binomial intervals, for the verification study's rates, which reach down to
 * 1e-6 where Wilson's and the normal approximation's coverage is poor. The bounds are quantiles of
 * beta distributions: low = B⁻¹(α/2; k, n−k+1), high = B⁻¹(1−α/2; k+1, n−k), each found by bisection
 * on the regularised incomplete beta function (continued fraction, Numerical Recipes §6.4).
 */

/** A proportion with its exact interval; value, low and high are fractions. */
export interface ExactRate {
  count: number;
  trials: number;
  value: number;
  low: number;
  high: number;
}

/** Clopper–Pearson interval of k successes in n trials at the given two-sided confidence. */
export function clopperPearson(count: number, trials: number, confidence = 0.95): ExactRate {
  if (trials <= 0) return { count, trials, value: 0, low: 0, high: 1 };
  const alpha = 1 - confidence;
  const low = count === 0 ? 0 : betaQuantile(alpha / 2, count, trials - count + 1);
  const high = count === trials ? 1 : betaQuantile(1 - alpha / 2, count + 1, trials - count);
  return { count, trials, value: count / trials, low, high };
}

/** The x with I_x(a, b) = p, by bisection on log x (the bounds of rare rates span many decades). */
function betaQuantile(p: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  // Bracket in log space first: rates of 1e-7 and 0.5 need the same relative precision.
  let x = a / (a + b);
  while (x > 1e-300 && regularisedBeta(x, a, b) > p) {
    hi = x;
    x /= 4;
  }
  lo = Math.min(x, hi);
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = lo > 0 ? Math.sqrt(lo * hi) : hi / 2;
    const value = regularisedBeta(mid, a, b);
    if (value > p) hi = mid;
    else lo = mid;
    if (hi / Math.max(lo, 1e-300) < 1 + 1e-12) break;
  }
  return (lo + hi) / 2;
}

/** I_x(a, b), the regularised incomplete beta function. */
function regularisedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(x, a, b)) / a : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Modified Lentz evaluation of the continued fraction of I_x(a, b). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
