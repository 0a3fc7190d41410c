import type { RandomStream } from '../rng/index.ts';

/**
 * Verification scores without drawing every noise component. For a unit template t and a sample
 * s = u + σn, where u = ρt + √(1-ρ²)v (v a unit vector ⊥ t; ρ = 1 for the genuine person) and n is
 * standard normal in d dimensions, the cosine similarity of s and t is
 *
 *     a / √(a² + b² + σ²·R),   a = ρ + σz₁,   b = √(1-ρ²) + σz₂,
 *
 * with z₁, z₂ standard normal and R ~ χ²(d-2); for the genuine person b² + σ²R collapses to σ²·χ²(d-1),
 * so a genuine score costs two draws (DESIGN.md, "Verification"). Exact in distribution. A client that
 * must send a real vector builds a·t + b·e + σ√R·f from the same draws (e, f orthonormal, ⊥ t), so both
 * modes score an attempt identically.
 */
/**
 * A class rather than object literals: the genuine draw's rho = 1 and z2 = 0 are small integers, the
 * impostor's are fractions, and a literal's fields keep the kind of number the first one stored. When
 * the genuine literal came first, every later draw was made in a discarded shape and migrated (53,691
 * times in one 125k × 30 d run with seed 42, `--trace-migration`); a constructor's shape is updated once.
 */
export class SampleDraw {
  constructor(
    /** Correlation of the answering person's template with the enrolled one (1: the participant). */
    readonly rho: number,
    readonly sigma: number,
    readonly z1: number,
    readonly z2: number,
    /** χ²(d-1) for the genuine person, χ²(d-2) for an impostor. */
    readonly rest: number,
  ) {}
}

export function drawGenuineSample(stream: RandomStream, sigma: number, dimension: number): SampleDraw {
  return new SampleDraw(1, sigma, stream.normal(), 0, stream.chiSquare(dimension - 1));
}

/**
 * Who an impostor is, as the correlation ρ of their template with the participant's. A random
 * stranger's ρ is distributed as the cosine of two random unit vectors, (ρ+1)/2 ~ Beta((d-1)/2, (d-1)/2);
 * a look-alike's is pulled towards the participant's by `lookAlikeCorrelation` (CALIBRATION: look-alike
 * impostors raise false matches ~11×). Drawn once per window: the same impostor answers all its attempts.
 */
export function drawImpostorRho(stream: RandomStream, dimension: number, lookAlike: boolean, lookAlikeCorrelation: number): number {
  const half = (dimension - 1) / 2;
  const strangerRho = 2 * stream.beta(half, half) - 1;
  const c = lookAlike ? lookAlikeCorrelation : 0;
  return Math.max(-1, Math.min(1, c + Math.sqrt(1 - c * c) * strangerRho));
}

/** One attempt's sample from an impostor whose template correlates ρ with the participant's. */
export function drawImpostorSample(stream: RandomStream, sigma: number, dimension: number, rho: number): SampleDraw {
  return new SampleDraw(rho, sigma, stream.normal(), stream.normal(), stream.chiSquare(dimension - 2));
}

/** Components of the sample along t, along the stranger direction e, and the norm of what is left. */
export function sampleComponents(draw: SampleDraw): { along: number; across: number; residualNorm: number } {
  const { rho, sigma, z1, z2, rest } = draw;
  return {
    along: rho + sigma * z1,
    across: Math.sqrt(Math.max(0, 1 - rho * rho)) + sigma * z2,
    residualNorm: sigma * Math.sqrt(rest),
  };
}

/** The cosine similarity the server would compute for this sample. */
export function sampleSimilarity(draw: SampleDraw): number {
  return similarityOf(draw.rho, draw.sigma, draw.z1, draw.z2, draw.rest);
}

/**
 * The similarity of a sample drawn as drawGenuineSample or drawImpostorSample draws it (the same draws,
 * in their order), without the draw: sim mode's lives judge their samples in place, and a draw object
 * for each attempt, its five numbers boxed, was a tenth of what a shard allocated.
 */
export function drawSampleSimilarity(stream: RandomStream, sigma: number, dimension: number, impostor: boolean, rho: number): number {
  return impostor
    ? similarityOf(rho, sigma, stream.normal(), stream.normal(), stream.chiSquare(dimension - 2))
    : similarityOf(1, sigma, stream.normal(), 0, stream.chiSquare(dimension - 1));
}

/** sampleComponents' arithmetic, then the cosine. */
function similarityOf(rho: number, sigma: number, z1: number, z2: number, rest: number): number {
  const along = rho + sigma * z1;
  const across = Math.sqrt(Math.max(0, 1 - rho * rho)) + sigma * z2;
  const residualNorm = sigma * Math.sqrt(rest);
  const norm = Math.sqrt(along * along + across * across + residualNorm * residualNorm);
  return norm === 0 ? 0 : along / norm;
}
