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
