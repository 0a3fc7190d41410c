/**
 * A seeded stream of random numbers with the distributions the model needs.
 * The generator is Baagoe's Alea, exactly as seedrandom's `alea` computes it (same seeding, same
 * sequence: a test holds the two equal), written out here because the simulator makes two streams per
 * participant and seedrandom's allocates five closures for each. Fast, 32-bit resolution, tiny state.
 * Every draw is counted so that benchmarks can report draws per participant-day.
 *
 * Callers draw the same number of values whatever a probability is (a rate of 0 still consumes its
 * uniform): two scenarios that differ in one rate then share every other draw, which makes
 * comparisons between them far less noisy (common random numbers).
 */
export class RandomStream {
  draws = 0;
  private s0: number;
  private s1: number;
  private s2: number;
  private c = 1;
  private spareNormal = Number.NaN;

  constructor(key: string) {
    mashState = MASH_START;
    this.s0 = mash(' ');
    this.s1 = mash(' ');
    this.s2 = mash(' ');
    this.s0 -= mash(key);
    if (this.s0 < 0) this.s0 += 1;
    this.s1 -= mash(key);
    if (this.s1 < 0) this.s1 += 1;
    this.s2 -= mash(key);
    if (this.s2 < 0) this.s2 += 1;
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    this.draws++;
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    return (this.s2 = t - this.c);
  }

  bernoulli(probability: number): boolean {
    return this.uniform() < probability;
  }

  /** Uniform integer on [0, n). */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal, Marsaglia's polar method (keeps the second value of each pair). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal;
      this.spareNormal = Number.NaN;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }

  /** Log-normal with the given median and shape σ (the σ of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Gamma(shape, 1), Marsaglia and Tsang (2000); exact, about one normal per draw for shape ≥ 1. */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  chiSquare(degreesOfFreedom: number): number {
    return 2 * this.gamma(degreesOfFreedom / 2);
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a);
    return x / (x + this.gamma(b));
  }

  /** Index drawn from cumulative weights (last entry is the total). */
  pickCumulative(cumulative: Float64Array): number {
    const target = this.uniform() * cumulative[cumulative.length - 1]!;
    let index = 0;
    while (cumulative[index]! <= target) index++;
    return index;
  }
}

/** Baagoe's Mash hash, as seedrandom's Alea seeds with it: one running state over successive calls. */
const MASH_START = 0xefc8249d;
let mashState = MASH_START;

function mash(data: string): number {
  let n = mashState;
  for (let i = 0; i < data.length; i++) {
    n += data.charCodeAt(i);
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    n += h * 0x100000000; // 2^32
  }
  mashState = n;
  return (n >>> 0) * 2.3283064365386963e-10; // 2^-32
}
