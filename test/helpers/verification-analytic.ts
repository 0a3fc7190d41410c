import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalPdf from '@stdlib/stats-base-dists-normal-pdf';

/**
 * The genuine false-reject rate of the Gaussian noise model, computed without simulation: a sample
 * t + σn of a unit template t in d dimensions has cosine (1+σz)/√((1+σz)² + σ²X), X ~ χ²(d-1), which
 * is below a threshold 0 < τ < 1 when 1+σz < 0, or when X > (1-τ²)(1+σz)²/(τ²σ²). Integrated over z
 * by Simpson's rule.
 */
export function genuineFalseRejectRate(sigma: number, threshold: number, dimension: number): number {
  const lower = -1 / sigma;
  const upper = 12;
  const steps = 4_000;
  const h = (upper - lower) / steps;
  const integrand = (z: number) => {
    const along = 1 + sigma * z;
    const cut = ((1 - threshold * threshold) * along * along) / (threshold * threshold * sigma * sigma);
    return normalPdf(z, 0, 1) * (1 - chisquareCdf(cut, dimension - 1));
  };
  let sum = integrand(lower) + integrand(upper);
  for (let i = 1; i < steps; i++) sum += (i % 2 === 0 ? 2 : 4) * integrand(lower + i * h);
  return normalCdf(lower, 0, 1) + (sum * h) / 3;
}

/**
 * The exact false-match rate against random impostors. A random stranger's template is a uniform unit
 * vector u, and u + σn is isotropic, so the sample's direction is uniform on the sphere whatever σ:
 * (cos + 1)/2 ~ Beta(h, h) with h = (d − 1)/2. Its upper tail from (1 + t)/2, by Simpson's rule over
 * the density divided by its own integral (no special functions).
 */
export function randomFalseMatchRate(threshold: number, dimension: number): number {
  const h = (dimension - 1) / 2;
  // Scaled by 4^(h−1) so that the density peaks at 1 rather than underflowing.
  const density = (x: number) => (x <= 0 || x >= 1 ? 0 : Math.exp((h - 1) * (Math.log(4 * x) + Math.log(1 - x))));
  const simpson = (from: number, to: number, steps: number) => {
    const step = (to - from) / steps;
    let sum = density(from) + density(to);
    for (let i = 1; i < steps; i++) sum += (i % 2 === 0 ? 2 : 4) * density(from + i * step);
    return (sum * step) / 3;
  };
  return simpson((1 + threshold) / 2, 1, 200_000) / simpson(0, 1, 400_000);
}

/** The threshold (to 1e-6) at which a decreasing (or increasing) rate equals the target, by bisection. */
export function thresholdFor(rate: (t: number) => number, target: number, increasing: boolean): number {
  let low = -0.5;
  let high = 0.95;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (rate(mid) > target === increasing) high = mid;
    else low = mid;
  }
  return Math.round(((low + high) / 2) * 1e6) / 1e6;
}

/**
 * The scenario overrides that reduce the study to the closed form: a unit template, isotropic
 * Gaussian noise σ in d dimensions, one attempt, nothing else.
 */
export function closedFormOverrides(sigma: number, dimension: number): Record<string, unknown> {
  return {
    'biometrics.faceNoise': sigma,
    'biometrics.dimension': dimension,
    'biometrics.tierNoiseFactor': { low: 1, mid: 1, high: 1 },
    'biometrics.hardToMatchShare': 0,
    'biometrics.poorCapture': 0,
    'biometrics.poorCaptureAtNight': 0,
    'biometrics.ageingNoisePerYear': 0,
    'policy.maxAttempts': 1,
  };
}
