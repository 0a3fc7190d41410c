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
  // The generator's state starts as NaN, a double, rather than undefined: V8 then stores these fields
  // as doubles updated in place, where a field first set to undefined would box every new value and
  // so allocate on every draw (about 2.5 times slower).
  private s0 = Number.NaN;
  private s1 = Number.NaN;
  private s2 = Number.NaN;
  private c = 1;
  private spareNormal = Number.NaN;

  /** `afterFirstPass`: Mash's state after the key's first pass, when the caller has it (see NumberedStreams). */
  constructor(key: string, afterFirstPass = mash(AFTER_SPACES, key)) {
    // seedrandom's seeding: Mash three spaces, then subtract Mash of the key from each part.
    const first = afterFirstPass;
    const second = mash(first, key);
    const third = mash(second, key);
    this.s0 = fractionAbove(mashOutput(AFTER_ONE_SPACE) - mashOutput(first));
    this.s1 = fractionAbove(mashOutput(AFTER_TWO_SPACES) - mashOutput(second));
    this.s2 = fractionAbove(mashOutput(AFTER_SPACES) - mashOutput(third));
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

/**
 * The streams keyed `<prefix><n>` for many numbers n (one per participant): seeding hashes the key
 * three times, and the first pass over the prefix, which is the same for all, is done once.
 */
export class NumberedStreams {
  private readonly afterPrefix: number;

  constructor(private readonly prefix: string) {
    this.afterPrefix = mash(AFTER_SPACES, prefix);
  }

  stream(n: number): RandomStream {
    const suffix = String(n);
    return new RandomStream(this.prefix + suffix, mash(this.afterPrefix, suffix));
  }
}

/**
 * Baagoe's Mash hash, as seedrandom's Alea seeds with it: one running state `n` over successive
 * strings; `mash` returns the state after `data`, and `mashOutput` the value Mash returns for it.
 */
function mash(state: number, data: string): number {
  let n = state;
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
  return n;
}

function mashOutput(state: number): number {
  return (state >>> 0) * 2.3283064365386963e-10; // 2^-32
}

function fractionAbove(value: number): number {
  return value < 0 ? value + 1 : value;
}

// Every stream's seeding starts with Mash of three spaces from the same state: done once.
const MASH_START = 0xefc8249d;
const AFTER_ONE_SPACE = mash(MASH_START, ' ');
const AFTER_TWO_SPACES = mash(AFTER_ONE_SPACE, ' ');
const AFTER_SPACES = mash(AFTER_TWO_SPACES, ' ');
