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
  /**
   * NaN until the constructor sets it to 0, for the reason given below: a count that starts as a small
   * integer is retagged and checked for overflow at every draw, where a double is added to in place.
   */
  draws = Number.NaN;
  // The generator's state starts as NaN, a double, rather than undefined: V8 then stores these fields
  // as doubles updated in place, where a field first set to undefined would box every new value and
  // so allocate on every draw (about 2.5 times slower).
  private s0 = Number.NaN;
  private s1 = Number.NaN;
  private s2 = Number.NaN;
  /** The carry, an integer kept as a double (set to 1 when seeded). */
  private c = Number.NaN;
  private spareNormal = Number.NaN;

  /** The stream of `key`, or (with `passes`) of a key that left Mash in the states `passes[at…at + 2]` after its three passes (see NumberedStreams). */
  constructor(key: string, passes: Float64Array = passesOf(key), at = 0) {
    this.draws = 0;
    this.seed(passes, at);
  }

  /** Makes this the stream of a key that left Mash in the states `passes[at…at + 2]`, as if new (see NumberedStreams.reseed). */
  reseed(passes: Float64Array, at: number): void {
    this.draws = 0;
    this.spareNormal = Number.NaN;
    this.seed(passes, at);
  }

  private seed(passes: Float64Array, at: number): void {
    // seedrandom's seeding: Mash three spaces, then subtract Mash of the key from each part.
    this.s0 = fractionAbove(OUTPUT_AFTER_ONE_SPACE - mashOutput(passes[at]!));
    this.s1 = fractionAbove(OUTPUT_AFTER_TWO_SPACES - mashOutput(passes[at + 1]!));
    this.s2 = fractionAbove(OUTPUT_AFTER_SPACES - mashOutput(passes[at + 2]!));
    this.c = 1;
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    this.draws++;
    const scaled = 2091639 * this.s0;
    const t = scaled + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    // Alea's carry is t | 0, that is floor(t) (0 ≤ t < 2^21). The carry's part of t is below 2^-11,
    // so unless `scaled` lies within 10^-3 under an integer, floor(t) = floor(scaled), which does not
    // wait for the previous carry: draws in a row no longer form one long chain of dependent steps.
    const whole = Math.floor(scaled);
    const c = scaled - whole < CARRY_CANNOT_CROSS ? whole : Math.floor(t);
    this.c = c;
    return (this.s2 = t - c);
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
    return this.normalPair();
  }

  /**
   * A new pair of normals: returns the first and keeps the second. Apart from normal() so that normal
   * stays small: inlined into its many callers, it leaves their inlining budget to their own steps.
   */
  private normalPair(): number {
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

/** Below this fractional part of 2091639·s0, adding the carry's part of t (< 2^-11) cannot reach the next integer. */
const CARRY_CANNOT_CROSS = 0.999;

const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER).length;
const DIGIT_ZERO = 48;
const DIGIT_NINE = 57;
/** Consecutive numbers whose keys are hashed together (see NumberedStreams): hashBlock interleaves eight chains. */
const BLOCK = 8;

/**
 * The streams keyed `<prefix><n>` for many numbers n (one per participant). Seeding hashes the key
 * three times with Mash, a chain of dependent steps whose latency, not its arithmetic, sets its cost;
 * so the keys of BLOCK consecutive numbers are hashed together, their chains interleaved, when the
 * numbers are asked for in order, as a shard asks for its participants'. The first pass over the
 * prefix, the same for all, is done once, and so is its pass over the digits that ten consecutive
 * numbers share (all but the last); the keys are never made: their character codes are kept here, a
 * row for each number of the block, the prefix's followed by the number's decimal digits.
 */
export class NumberedStreams {
  private readonly afterPrefix: number;
  /** Places in a row of keyCodes: the prefix's codes, then room for the digits of any safe integer. */
  private readonly rowLength: number;
  /** The character codes of the key of each number of the block, a row each (as doubles: Mash adds them to its state). */
  private readonly keyCodes: Float64Array;
  /** Mash's states after the three passes over the key of each number of the block, from `blockStart` on. */
  private readonly blockPasses = new Float64Array(BLOCK * 3);
  private blockStart = 0;
  private blockLength = 0;
  /** How many digits the numbers of the block have. */
  private blockDigits = 0;
  /** The last decade (n / 10, rounded down) of a block, and Mash's state after the prefix and its digits in the first pass. */
  private decade = -1;
  private afterDecade = Number.NaN;

  constructor(private readonly prefix: string) {
    this.afterPrefix = mash(AFTER_SPACES, prefix);
    this.rowLength = prefix.length + MAX_SAFE_DIGITS;
    this.keyCodes = new Float64Array(BLOCK * this.rowLength);
    for (let row = 0; row < BLOCK; row++) for (let i = 0; i < prefix.length; i++) this.keyCodes[row * this.rowLength + i] = prefix.charCodeAt(i);
  }

  stream(n: number): RandomStream {
    if (!Number.isSafeInteger(n) || n < 0) return new RandomStream(this.prefix + String(n));
    return new RandomStream('', this.blockPasses, this.passesAt(n));
  }

  /**
   * Turns `stream` into the stream of n, as if new: for a caller done with the stream it had, which
   * then does not make (and allocate) one for every number.
   */
  reseed(stream: RandomStream, n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) stream.reseed(passesOf(this.prefix + String(n)), 0);
    else stream.reseed(this.blockPasses, this.passesAt(n));
  }

  /** Where the passes of n are in blockPasses, hashing its block first when they are not there. */
  private passesAt(n: number): number {
    const offset = n - this.blockStart;
    if (offset >= 0 && offset < this.blockLength) return offset * 3;
    if (offset === this.blockLength && this.writeBlockDigits(n)) this.hashBlock(n);
    else this.hashOne(n);
    return 0;
  }

  /** The passes of n alone, as a block of one. */
  private hashOne(n: number): void {
    const { prefix, keyCodes, blockPasses } = this;
    const keyLength = prefix.length + this.writeDigits(0, n);
    blockPasses[0] = mashCodes(this.afterPrefix, keyCodes, prefix.length, keyLength);
    blockPasses[1] = mashCodes(blockPasses[0], keyCodes, 0, keyLength);
    blockPasses[2] = mashCodes(blockPasses[1], keyCodes, 0, keyLength);
    this.blockStart = n;
    this.blockLength = 1;
  }

  /**
   * Writes the digits of n to n + BLOCK - 1 into the rows of keyCodes: when the last block was the one
   * before, by adding BLOCK to each row's number, which changes its last digit or two; otherwise each
   * from its number. False when they do not all have as many digits.
   */
  private writeBlockDigits(n: number): boolean {
    if (this.blockLength === BLOCK) {
      for (let row = 0; row < BLOCK; row++) if (!this.addToRow(row, BLOCK)) return false;
      return true;
    }
    this.blockDigits = this.writeDigits(0, n);
    for (let row = 1; row < BLOCK; row++) if (this.writeDigits(row, n + row) !== this.blockDigits) return false;
    return true;
  }

  /** Adds `amount` (below ten) to the number in row `row`; false when the sum has a digit more. */
  private addToRow(row: number, amount: number): boolean {
    const codes = this.keyCodes;
    const start = this.digitsAt(row);
    let at = start + this.blockDigits - 1;
    let code = codes[at]! + amount;
    while (code > DIGIT_NINE) {
      codes[at] = code - 10;
      if (--at < start) return false;
      code = codes[at]! + 1;
    }
    codes[at] = code;
    return true;
  }

  /** The passes of n to n + BLOCK - 1, whose digits (as many each) writeBlockDigits wrote, their chains interleaved. */
  private hashBlock(n: number): void {
    const digits = this.blockDigits;
    const keyLength = this.prefix.length + digits;
    const { keyCodes: codes, rowLength } = this;
    const o1 = 1 * rowLength;
    const o2 = 2 * rowLength;
    const o3 = 3 * rowLength;
    const o4 = 4 * rowLength;
    const o5 = 5 * rowLength;
    const o6 = 6 * rowLength;
    const o7 = 7 * rowLength;
    let a = this.firstPass(n, this.digitsAt(0), digits);
    let b = this.firstPass(n + 1, this.digitsAt(1), digits);
    let c = this.firstPass(n + 2, this.digitsAt(2), digits);
    let e = this.firstPass(n + 3, this.digitsAt(3), digits);
    let f = this.firstPass(n + 4, this.digitsAt(4), digits);
    let g = this.firstPass(n + 5, this.digitsAt(5), digits);
    let h = this.firstPass(n + 6, this.digitsAt(6), digits);
    let k = this.firstPass(n + 7, this.digitsAt(7), digits);
    const passes = this.blockPasses;
    passes[0] = a;
    passes[3] = b;
    passes[6] = c;
    passes[9] = e;
    passes[12] = f;
    passes[15] = g;
    passes[18] = h;
    passes[21] = k;
    for (let pass = 1; pass < 3; pass++) {
      for (let i = 0; i < keyLength; i++) {
        a = mashStep(a, codes[i]!);
        b = mashStep(b, codes[o1 + i]!);
        c = mashStep(c, codes[o2 + i]!);
        e = mashStep(e, codes[o3 + i]!);
        f = mashStep(f, codes[o4 + i]!);
        g = mashStep(g, codes[o5 + i]!);
        h = mashStep(h, codes[o6 + i]!);
        k = mashStep(k, codes[o7 + i]!);
      }
      passes[pass] = a;
      passes[3 + pass] = b;
      passes[6 + pass] = c;
      passes[9 + pass] = e;
      passes[12 + pass] = f;
      passes[15 + pass] = g;
      passes[18 + pass] = h;
      passes[21 + pass] = k;
    }
    this.blockStart = n;
    this.blockLength = BLOCK;
  }

  /**
   * Mash's state after the first pass over the key of n, whose `digits` digits start at `at` in
   * keyCodes: one step from the state its decade leaves, which ten consecutive numbers share.
   */
  private firstPass(n: number, at: number, digits: number): number {
    const decade = Math.floor(n / 10);
    if (decade !== this.decade) {
      this.afterDecade = mashCodes(this.afterPrefix, this.keyCodes, at, at + digits - 1);
      this.decade = decade;
    }
    return mashStep(this.afterDecade, this.keyCodes[at + digits - 1]!);
  }

  /** Writes the digits of n into row `row` of keyCodes; returns how many there are. */
  private writeDigits(row: number, n: number): number {
    const count = digitCount(n);
    const start = this.digitsAt(row);
    for (let at = start + count - 1, rest = n; at >= start; at--) {
      // rest - 10 * tens rather than rest % 10, which costs more on a double (n need not be an int32).
      const tens = Math.floor(rest / 10);
      this.keyCodes[at] = DIGIT_ZERO + rest - 10 * tens;
      rest = tens;
    }
    return count;
  }

  /** Where the digits start in row `row` of keyCodes (after the prefix). */
  private digitsAt(row: number): number {
    return row * this.rowLength + this.prefix.length;
  }
}

function digitCount(n: number): number {
  let count = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) count++;
  return count;
}

/**
 * Baagoe's Mash hash, as seedrandom's Alea seeds with it: one running state `n` over successive
 * strings; `mash` returns the state after `data`, and `mashOutput` the value Mash returns for it.
 */
function mash(state: number, data: string): number {
  let n = state;
  for (let i = 0; i < data.length; i++) n = mashStep(n, data.charCodeAt(i));
  return n;
}

/** Mash's states after each of its three passes over `key`. */
function passesOf(key: string): Float64Array {
  const first = mash(AFTER_SPACES, key);
  const second = mash(first, key);
  return Float64Array.of(first, second, mash(second, key));
}

/** `mash` over the character codes `codes[from]` to `codes[to - 1]`. */
function mashCodes(state: number, codes: Float64Array, from: number, to: number): number {
  let n = state;
  for (let i = from; i < to; i++) n = mashStep(n, codes[i]!);
  return n;
}

function mashStep(state: number, code: number): number {
  let n = state + code;
  let h = 0.02519603282416938 * n;
  // Mash's `h >>> 0`, as Math.floor: h is never negative nor 2^32 (states stay below 2^33), where the
  // two agree, and flooring keeps h a double (about twice as fast as a round trip through an integer).
  n = Math.floor(h);
  h -= n;
  h *= n;
  n = Math.floor(h);
  h -= n;
  return n + h * 0x100000000; // 2^32
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
const OUTPUT_AFTER_ONE_SPACE = mashOutput(AFTER_ONE_SPACE);
const OUTPUT_AFTER_TWO_SPACES = mashOutput(AFTER_TWO_SPACES);
const OUTPUT_AFTER_SPACES = mashOutput(AFTER_SPACES);
