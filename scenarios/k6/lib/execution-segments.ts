/**
 * k6's execution-segment maths, in plain TypeScript (k6's `lib/execution_segment.go` and the iteration
 * timing of `lib/executor/ramping_arrival_rate.go`), so that the harness can say before a run which
 * k6 instance sends which scheduled attempt, and when, and a test can hold the split to exactness.
 *
 * - A segment is a rational interval (from, to] of [0, 1]; a sequence is a chain of them covering
 *   [0, 1] (gaps are filled, as k6 does).
 * - Striping: over every block of `lcd` consecutive iterations (lcd: the least common denominator of
 *   the segments' lengths), a segment of length n/lcd takes exactly n of them, spread as far apart as
 *   possible, biggest segments choosing first. So any contiguous run of iterations splits between the
 *   segments in proportion to their lengths, within one iteration each.
 * - An arrival-rate executor first re-segments the sequence by its `maxVUs` (k6's
 *   GetNewExecutionTupleFromValue): the tuple is unchanged when maxVUs is a multiple of the lcd, which
 *   is why the exported scripts round maxVUs up to a multiple of 840 (the lcd of 1/1 … 1/8).
 * - `exec.scenario.iterationInTest` is the global (unscaled) index of k6's segmented iterator, and
 *   the global iteration i starts when the area under the whole test's rate curve reaches i + 1.
 *
 * Pure: no k6 module and no Node API, so vitest and k6 both import it. Integers stay exact: every
 * denominator here is small (k6 itself computes these with int64).
 */

interface Rational {
  readonly n: number;
  readonly d: number;
}

export interface ExecutionSegment {
  readonly from: Rational;
  readonly to: Rational;
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function rational(n: number, d = 1): Rational {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || d === 0) throw new Error(`not a rational number: ${n}/${d}`);
  const sign = d < 0 ? -1 : 1;
  const divisor = gcd(n, d) || 1;
  return { n: (sign * n) / divisor, d: (sign * d) / divisor };
}

const sub = (a: Rational, b: Rational): Rational => rational(a.n * b.d - b.n * a.d, a.d * b.d);
const compare = (a: Rational, b: Rational): number => a.n * b.d - b.n * a.d;
const ZERO = rational(0);
const ONE = rational(1);

/** k6's RatString: "n/d", or "n" for whole numbers. */
function ratString(value: Rational): string {
  return value.d === 1 ? String(value.n) : `${value.n}/${value.d}`;
}

/** A percentage ("25%", whole numbers only, as k6), a fraction ("1/4") or a decimal ("0.25"). */
function parseRational(text: string): Rational {
  const value = text.trim();
  let match = /^(\d+)%$/.exec(value);
  if (match) return rational(Number(match[1]), 100);
  match = /^(\d+)\/(\d+)$/.exec(value);
  if (match && Number(match[2]) !== 0) return rational(Number(match[1]), Number(match[2]));
  match = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (match) {
    const decimals = match[2] ?? '';
    return rational(Number(`${match[1]}${decimals}`), 10 ** decimals.length);
  }
  throw new Error(`'${text}' is not a valid percentage, decimal, fraction or interval value`);
}

function segment(from: Rational, to: Rational): ExecutionSegment {
  if (compare(from, ZERO) < 0) throw new Error(`segment start value must be at least 0 but was ${ratString(from)}`);
  if (compare(from, to) >= 0) throw new Error(`segment start(${ratString(from)}) must be less than its end(${ratString(to)})`);
  if (compare(to, ONE) > 0) throw new Error(`segment end value can't be more than 1 but was ${ratString(to)}`);
  return { from, to };
}

/** `--execution-segment`: "from:to", or "to" for (0, to]; empty is the whole test. */
export function parseSegment(text: string | null | undefined): ExecutionSegment {
  const value = text === undefined || text === null || text.trim() === '' ? '1' : text;
  const colon = value.indexOf(':');
  if (colon < 0) return segment(ZERO, parseRational(value));
  return segment(parseRational(value.slice(0, colon)), parseRational(value.slice(colon + 1)));
}

/** `--execution-segment-sequence`: "r1,r2,…,rn" for (r1, r2], (r2, r3], …; empty for none. */
function parseSequence(text: string | null | undefined): ExecutionSegment[] {
  if (text === undefined || text === null || text.trim() === '') return [];
  const points = text.split(',').map(parseRational);
  if (points.length < 2) throw new Error(`at least 2 points are needed for an execution segment sequence, ${points.length} given`);
  return points.slice(1).map((to, index) => segment(points[index]!, to));
}

export function segmentString(value: ExecutionSegment): string {
  return `${ratString(value.from)}:${ratString(value.to)}`;
}

function segmentLength(value: ExecutionSegment): Rational {
  return sub(value.to, value.from);
}

const sameSegment = (a: ExecutionSegment, b: ExecutionSegment) => compare(a.from, b.from) === 0 && compare(a.to, b.to) === 0;

/** The N equal segments of a test split N ways, with the sequence string every instance is given. */
export function equalSplit(parts: number): { segments: string[]; sequence: string } {
  if (!Number.isInteger(parts) || parts < 1) throw new Error(`the number of parts must be at least 1, ${parts} received`);
  const points = Array.from({ length: parts + 1 }, (_, index) => ratString(rational(index, parts)));
  return { segments: points.slice(1).map((to, index) => `${points[index]!}:${to}`), sequence: points.join(',') };
}

/**
 * A filled-out sequence with its striped offsets (k6's ExecutionSegmentSequenceWrapper). For segment i,
 * `offsets[i]` is [start, gap1, …, gapK]: the first iteration it takes in each block of `lcd`, then the
 * gaps to its next ones, the last gap leading into the next block.
 */
class SegmentSequence {
  readonly lcd: number;
  private readonly offsets: number[][];

  constructor(readonly segments: readonly ExecutionSegment[]) {
    if (segments.length === 0 || compare(segments[0]!.from, ZERO) !== 0 || compare(segments[segments.length - 1]!.to, ONE) !== 0) {
      throw new Error('cannot stripe a sequence that does not cover 0 to 1');
    }
    for (let i = 1; i < segments.length; i++) {
      if (compare(segments[i]!.from, segments[i - 1]!.to) !== 0) throw new Error(`the start value of segment #${i} must be equal to the end value of the previous one`);
    }
    const lengths = segments.map(segmentLength);
    let lcd = lengths[0]!.d;
    for (const length of lengths.slice(1)) lcd = (lcd * length.d) / gcd(lcd, length.d);
    if (!Number.isSafeInteger(lcd) || lcd > 10_000_000) throw new Error(`the segments' common denominator (${lcd}) is too large to stripe`);
    this.lcd = lcd;

    const sorted = lengths.map((length, index) => ({ numerator: length.n * (lcd / length.d), index })).sort((a, b) => b.numerator - a.numerator);
    const offsets: number[][] = segments.map(() => []);
    const previous = segments.map(() => 0);
    const chosen = sorted.map(() => 0);
    for (let iteration = 0; iteration < lcd; iteration++) {
      for (let rank = 0; rank < sorted.length; rank++) {
        const { numerator, index } = sorted[rank]!;
        const taken = chosen[rank]! * lcd;
        const due = Math.floor(taken / numerator);
        if (iteration > due || (iteration === due && taken % numerator === 0)) {
          chosen[rank]!++;
          const own = offsets[index]!;
          own.push(iteration - previous[index]!);
          previous[index] = iteration;
          if (own.length === numerator) own.push(own[0]! + lcd - iteration);
          break;
        }
      }
    }
    this.offsets = offsets;
  }

  /** The first iteration segment `index` takes, its gaps, and the block length. */
  stripedOffsets(index: number): { start: number; gaps: number[]; lcd: number } {
    const own = this.offsets[index]!;
    return { start: own[0]!, gaps: own.slice(1), lcd: this.lcd };
  }

  /** How many of the first `value` iterations (or VUs, or anything counted) segment `index` gets. */
  scale(index: number, value: number): number {
    if (this.segments.length === 1) return value;
    const { start, gaps } = this.stripedOffsets(index);
    let result = Math.floor(value / this.lcd) * gaps.length;
    const rest = value % this.lcd;
    for (let gap = 0, at = start; at < rest; at += gaps[gap]!, gap++) result++;
    return result;
  }

  indexOf(target: ExecutionSegment): number {
    const index = this.segments.findIndex((candidate) => sameSegment(candidate, target));
    if (index < 0) throw new Error(`couldn't find segment ${segmentString(target)} in sequence ${this.toString()}`);
    return index;
  }

  toString(): string {
    return [ratString(this.segments[0]!.from), ...this.segments.map((entry) => ratString(entry.to))].join(',');
  }
}

/** A segment of a sequence: what one k6 instance runs (k6's ExecutionTuple). */
export interface ExecutionTuple {
  sequence: SegmentSequence;
  index: number;
}

/** k6's GetFilledExecutionSegmentSequence: no sequence means the segment alone, gaps filled around it. */
function filledSequence(sequence: readonly ExecutionSegment[], fallback: ExecutionSegment): ExecutionSegment[] {
  let result: ExecutionSegment[] = sequence.length > 0 ? [...sequence] : [fallback];
  if (compare(result[0]!.from, ZERO) !== 0) result = [segment(ZERO, result[0]!.from), ...result];
  const last = result[result.length - 1]!;
  if (compare(last.to, ONE) !== 0) result = [...result, segment(last.to, ONE)];
  return result;
}

/** The tuple of one instance, from its `--execution-segment` and `--execution-segment-sequence` values. */
export function executionTuple(segmentText?: string | null, sequenceText?: string | null): ExecutionTuple {
  const own = parseSegment(segmentText);
  const sequence = new SegmentSequence(filledSequence(parseSequence(sequenceText), own));
  return { sequence, index: sequence.indexOf(own) };
}

/**
 * What an arrival-rate executor does first (k6's GetNewExecutionTupleFromValue with its maxVUs): the
 * sequence re-cut so that each segment's length is its share of `value`. Unchanged when `value` is a
 * multiple of the lcd. Throws when this instance's share of `value` is 0 (k6 then gives it no work).
 */
export function tupleForValue(tuple: ExecutionTuple, value: number): ExecutionTuple {
  if (!Number.isInteger(value) || value < 1) throw new Error(`cannot generate new sequence for value ${value}`);
  if (value % tuple.sequence.lcd === 0) return tuple;
  const segments: ExecutionSegment[] = [];
  let newIndex = -1;
  let previous = 0;
  tuple.sequence.segments.forEach((_, index) => {
    const share = tuple.sequence.scale(index, value);
    if (share === 0) return;
    if (index === tuple.index) newIndex = segments.length;
    segments.push(segment(rational(previous, value), rational(previous + share, value)));
    previous += share;
  });
  if (newIndex < 0) throw new Error(`segment ${tuple.index} isn't present in the new sequence`);
  return { sequence: new SegmentSequence(segments), index: newIndex };
}

/**
 * k6's SegmentedIndex: `next()` gives the instance's next iteration as (scaled, unscaled), both from 1;
 * `exec.scenario.iterationInInstance` is scaled − 1 and `iterationInTest` is unscaled − 1.
 */
class SegmentedIndex {
  private readonly start: number;
  private readonly gaps: number[];
  private scaled = 0;
  private unscaled = 0;

  constructor(tuple: ExecutionTuple) {
    const striped = tuple.sequence.stripedOffsets(tuple.index);
    this.start = striped.start;
    this.gaps = striped.gaps;
  }

  next(): { scaled: number; unscaled: number } {
    this.unscaled += this.scaled === 0 ? this.start + 1 : this.gaps[(this.scaled - 1) % this.gaps.length]!;
    this.scaled++;
    return { scaled: this.scaled, unscaled: this.unscaled };
  }
}

/** The global iteration numbers (`iterationInTest`) one instance runs, in order, below `total`. */
export function iterationsInTest(tuple: ExecutionTuple, total: number): number[] {
  const index = new SegmentedIndex(tuple);
  const result: number[] = [];
  for (let next = index.next(); next.unscaled - 1 < total; next = index.next()) result.push(next.unscaled - 1);
  return result;
}

export interface ArrivalStage {
  /** Stage length, in ms. */
  durationMs: number;
  /** Arrivals per time unit reached at the stage's end (linear ramp from the previous target). */
  target: number;
}

/**
 * When a ramping-arrival-rate executor starts each of this instance's iterations (k6's `cal`): in ns
 * from the scenario's start, in order. Iteration i (global) starts when the area under the whole
 * test's rate curve reaches i + 1; an instance starts only the iterations of its stripe, so the union
 * over the instances of a sequence is the whole test's arrivals, each exactly once.
 */
export function arrivalTimesNs(tuple: ExecutionTuple, stages: readonly ArrivalStage[], timeUnitMs: number, startRate = 0): number[] {
  const { start, gaps } = tuple.sequence.stripedOffsets(tuple.index);
  const timeUnit = timeUnitMs * 1e6;
  const times: number[] = [];
  let gap = 0;
  let stageStart = 0;
  let doneSoFar = 0;
  let endCount = 0;
  let from = startRate / timeUnit;
  let i = start + 1;
  for (const stage of stages) {
    const to = stage.target / timeUnit;
    const duration = stage.durationMs * 1e6;
    if (from !== to) {
      endCount += duration * ((to - from) / 2 + from);
      for (; i <= endCount; i += gaps[gap++ % gaps.length]!) {
        const root = duration * (from * from * duration + 2 * (i - doneSoFar) * (to - from));
        const x = (from * duration - (root > 0 ? Math.sqrt(root) : 0)) / (from - to);
        times.push(Math.trunc(x) + stageStart);
      }
    } else {
      endCount += duration * to;
      for (; i <= endCount; i += gaps[gap++ % gaps.length]!) times.push(Math.trunc((i - doneSoFar) / to) + stageStart);
    }
    doneSoFar = endCount;
    from = to;
    stageStart += duration;
  }
  return times;
}
