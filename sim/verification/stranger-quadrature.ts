/**
 * Gauss quadrature over a random stranger's template correlation ρ, which is distributed as one
 * coordinate of a uniform unit vector in d dimensions: density ∝ (1 − ρ²)^((d − 3)/2) on (−1, 1)
 * (biometrics.ts, drawImpostorRho: (ρ + 1)/2 ~ Beta((d − 1)/2, (d − 1)/2)). That is the weight of the
 * Gegenbauer polynomials, so Gauss's nodes and weights for it make Σ weight·g(node) the exact mean of
 * every polynomial g of degree < 2·count, and of a smooth g to many digits.
 *
 * The study integrates an impostor window's match probability over ρ this way rather than reading it
 * at the ρ it drew: a stranger far out in ρ's tail is what makes a rare false match, and the windows
 * that draw one are too few to read a rate of 1e-6 from with an interval that holds.
 */
export interface StrangerNodes {
  rho: Float64Array;
  /** Positive, summing to 1. */
  weight: Float64Array;
}

const computed = new Map<string, StrangerNodes>();

/**
 * The nodes and weights for `count` nodes in `dimension` dimensions, computed once per thread: every
 * impostor chunk of a study takes the same (the baseline's study has four), and each computation,
 * cold, took ~7 ms of CPU. The arrays are shared between their callers, who only read them.
 */
export function strangerNodes(dimension: number, count: number): StrangerNodes {
  const key = `${dimension} ${count}`;
  let nodes = computed.get(key);
  if (nodes === undefined) {
    nodes = gaussNodes(dimension, count);
    computed.set(key, nodes);
  }
  return nodes;
}

function gaussNodes(dimension: number, count: number): StrangerNodes {
  // The monic recurrence p_{n+1} = x·p_n − β_n·p_{n−1} of the Gegenbauer polynomials of index λ.
  const lambda = (dimension - 2) / 2;
  // β_0 is never read; the bisection reads each β_n thousands of times, so they are computed once.
  const beta = Array.from({ length: count }, (_, n) => (n * (n + 2 * lambda - 1)) / (4 * (n + lambda) * (n + lambda - 1)));
  const rho = Float64Array.from(jacobiEigenvalues(count, beta));
  const weight = Float64Array.from(rho, (x) => 1 / orthonormalSquares(x, count, beta));
  const total = weight.reduce((sum, w) => sum + w, 0);
  for (let i = 0; i < count; i++) weight[i] = weight[i]! / total;
  return { rho, weight };
}

/**
 * The m eigenvalues, ascending, of the Jacobi matrix with zero diagonal and off-diagonal √β_i (the
 * zeros of p_m, inside (−1, 1)), each by bisection on the Sturm count of eigenvalues below x.
 */
function jacobiEigenvalues(m: number, beta: readonly number[]): number[] {
  const below = (x: number) => {
    let count = 0;
    let d = -x;
    for (let i = 1; ; i++) {
      if (d < 0) count++;
      if (i === m) return count;
      d = -x - beta[i]! / (d === 0 ? Number.MIN_VALUE : d);
    }
  };
  return Array.from({ length: m }, (_, k) => {
    let low = -1;
    let high = 1;
    for (let step = 0; step < 60; step++) {
      const mid = (low + high) / 2;
      if (below(mid) > k) high = mid;
      else low = mid;
    }
    return (low + high) / 2;
  });
}

/** Σ q_j(x)² over the first m orthonormal polynomials of the recurrence (up to a constant): 1 over Gauss's weight at x. */
function orthonormalSquares(x: number, m: number, beta: readonly number[]): number {
  let previous = 0;
  let current = 1;
  let sum = 1;
  for (let n = 0; n < m - 1; n++) {
    const next = (x * current - (n === 0 ? 0 : Math.sqrt(beta[n]!) * previous)) / Math.sqrt(beta[n + 1]!);
    previous = current;
    current = next;
    sum += current * current;
  }
  return sum;
}
