import { f64, f64x2, i32, instantiate, local, v128, when, whileLoop, type Code, type FunctionCode, type ValueType } from './wasm-code.ts';

/**
 * The study's hot loop, an attempt's error probabilities at every quadrature node and threshold, in
 * WebAssembly, two thresholds at a time (f64x2): the baseline's study (one thread, warm) took 196–234 ms
 * of CPU with it against 390–530 ms with the same loop in JavaScript.
 *
 * It gives the same bits as the JavaScript it replaced (test/helpers/reference-study-kernel.ts): the
 * same IEEE operations in the same order, Φ̄ by the same Cody approximations, and e^x by fdlibm's
 * algorithm, which is V8's Math.exp (ieee754::exp), written out for two lanes. Two simplifications
 * change no bit:
 * - fdlibm's exp takes k = 0 and a formula of its own where the high word of |x| is at most
 *   0x3fd62e42 (|x| up to just above ½ln 2), and k = ±1 set by hand up to 1.5 ln 2. Here one formula
 *   serves every lane, k chosen by that high-word test: in the second range the general reduction
 *   gives the same k, hi and lo, and with k = 0 the general formula, 1 − ((lo − xc/(2 − c)) − hi)
 *   with hi = x and lo = 0, is the same double as fdlibm's 1 − (xc/(c − 2) − x). Arguments here are
 *   −y² with 0.46875 < y < 26.543, so its other cases (|x| < 2⁻²⁸, overflow, underflow, k < −1021)
 *   never arise.
 * - The JavaScript loop stopped at the first threshold whose Φ̄ was 0 (impostors) or whose 1 − Φ̄ was 1
 *   (genuine), leaving the rest as they were; computing them changes nothing, since e + 0·(1 − e) and
 *   e·1 are e.
 * Each lane takes the branch of Cody's erfc its argument falls in: a pair of lanes in two branches
 * computes both and keeps each lane's own.
 */

const SQRT1_2 = Math.SQRT1_2;

/** Locals of a function: its parameters, then the locals it declares, by name. */
class Locals {
  readonly declared: ValueType[] = [];
  private readonly index = new Map<string, number>();

  constructor(readonly params: [string, ValueType][]) {
    params.forEach(([name], position) => this.index.set(name, position));
  }

  add(name: string, type: ValueType): void {
    this.index.set(name, this.params.length + this.declared.length);
    this.declared.push(type);
  }

  get(name: string): Code {
    return local.get(this.at(name));
  }

  set(name: string, value: Code): Code {
    return local.set(this.at(name), value);
  }

  /** One local as a function: with a value, the code that sets it; without, the code that reads it. */
  use(name: string): (value?: Code) => Code {
    return (value) => (value ? this.set(name, value) : this.get(name));
  }

  private at(name: string): number {
    const position = this.index.get(name);
    if (position === undefined) throw new Error(`tail kernel: no local ${name}`);
    return position;
  }
}

const TAIL_LOCALS = ['expScale', 'expT', 'expHi', 'expLo', 'expR', 'expRR', 'expC', 'argument', 'absolute', 'z', 'nearZero', 'upTo4', 'beyond4', 'tail'];

/** Horner's rule as Cody's code writes it: ((c₀y + c₁)y + c₂)…, or (y + c₀)y + c₁… for a monic polynomial. */
function horner(y: Code, coefficients: readonly number[], monic: boolean): Code {
  let value = monic ? f64x2.add(y, f64x2.const(coefficients[0]!)) : f64x2.add(f64x2.mul(f64x2.const(coefficients[0]!), y), f64x2.const(coefficients[1]!));
  for (const coefficient of coefficients.slice(monic ? 1 : 2)) value = f64x2.add(f64x2.mul(value, y), f64x2.const(coefficient));
  return value;
}

/** fdlibm's P1–P5, the remez polynomial of exp's reduced argument. */
const EXP_P = [0.16666666666666602, -0.0027777777777015593, 0.00006613756321437934, -0.0000016533902205465252, 4.1381367970572385e-8];

/** e^x of both lanes of `x` (−709 < x < −2⁻²⁸), as fdlibm computes it. */
export function exp(l: Locals, x: Code): Code {
  const [scale, t, hi, lo, r, rr, c] = [l.use('expScale'), l.use('expT'), l.use('expHi'), l.use('expLo'), l.use('expR'), l.use('expRR'), l.use('expC')];
  return [
    ...r(x),
    // k = (int)(x/ln 2 ± ½) where |x| > ½ln 2 (the high word of |x| above 0x3fd62e42), else 0.
    ...t(f64x2.truncate(f64x2.add(f64x2.mul(f64x2.const(1.4426950408889634), r()), v128.select(f64x2.const(-0.5), f64x2.const(0.5), f64x2.lt(r(), f64x2.const(0)))))),
    ...t(v128.and(t(), f64x2.gt(f64x2.abs(r()), f64x2.constBits(0x3fd62e42, 0xffffffff)))),
    ...scale(f64x2.powerOfTwo(t())),
    ...hi(f64x2.sub(r(), f64x2.mul(t(), f64x2.const(0.6931471803691238)))),
    ...lo(f64x2.mul(t(), f64x2.const(1.9082149292705877e-10))),
    ...r(f64x2.sub(hi(), lo())),
    ...rr(f64x2.mul(r(), r())),
    // c = r − r²(P1 + r²(P2 + r²(P3 + r²(P4 + r²P5))))
    ...c(f64x2.sub(r(), f64x2.mul(rr(), EXP_P.slice(0, -1).reduceRight((inner, coefficient) => f64x2.add(f64x2.const(coefficient), f64x2.mul(rr(), inner)), f64x2.const(EXP_P.at(-1)!))))),
    ...f64x2.mul(f64x2.sub(f64x2.const(1), f64x2.sub(f64x2.sub(lo(), f64x2.div(f64x2.mul(r(), c()), f64x2.sub(f64x2.const(2), c()))), hi())), scale()),
  ];
}

/** Φ̄ of both lanes of `x`, into the local 'tail': the reference's erfc, each lane by its own branch. */
function normalTail(l: Locals, x: Code): Code {
  const get = (name: string) => l.get(name);
  const y = get('absolute');
  const minusYSquared = f64x2.mul(f64x2.neg(y), y);
  const upTo4 = f64x2.div(
    f64x2.mul(exp(l, minusYSquared), horner(y, [2.1531153547440383e-8, 0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707, 2051.0783778260716, 1230.3393547979972], false)),
    horner(y, [15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247, 3439.3676741437216, 1230.3393548037495], true),
  );
  const z = get('z');
  const beyond4 = f64x2.div(
    f64x2.mul(
      exp(l, minusYSquared),
      f64x2.sub(
        f64x2.const(0.5641895835477563),
        f64x2.div(
          f64x2.mul(z, horner(z, [0.016315387137302097, 0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378], false)),
          horner(z, [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918], true),
        ),
      ),
    ),
    y,
  );
  const nearZero = f64x2.sub(
    f64x2.const(1),
    f64x2.div(
      f64x2.mul(get('argument'), horner(z, [0.18577770618460315, 3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694], false)),
      horner(z, [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171], true),
    ),
  );
  const keep = (mask: string, value: Code) => l.set('tail', v128.select(value, get('tail'), get(mask)));
  return [
    ...l.set('argument', f64x2.mul(x, f64x2.const(SQRT1_2))),
    ...l.set('absolute', f64x2.abs(get('argument'))),
    ...l.set('nearZero', f64x2.le(y, f64x2.const(0.46875))),
    ...l.set('upTo4', v128.andNot(f64x2.le(y, f64x2.const(4)), get('nearZero'))),
    ...l.set('beyond4', v128.andNot(f64x2.lt(y, f64x2.const(26.543)), f64x2.le(y, f64x2.const(4)))),
    // Past 26.543 erfc underflows to 0; NaN stays NaN.
    ...l.set('tail', v128.select(f64x2.const(0), y, f64x2.eq(y, y))),
    ...when(v128.anyTrue(get('upTo4')), keep('upTo4', upTo4)),
    ...when(v128.anyTrue(get('beyond4')), [...l.set('z', f64x2.div(f64x2.const(1), f64x2.mul(y, y))), ...keep('beyond4', beyond4)]),
    ...l.set('tail', v128.select(f64x2.sub(f64x2.const(2), get('tail')), get('tail'), f64x2.lt(get('argument'), f64x2.const(0)))),
    ...when(v128.anyTrue(get('nearZero')), [...l.set('z', f64x2.mul(y, y)), ...keep('nearZero', nearZero)]),
    ...l.set('tail', f64x2.mul(f64x2.const(0.5), get('tail'))),
  ];
}

/** The byte address of double `index` of the array at byte address `base`. */
function at(base: Code, index: Code): Code {
  return i32.add(base, i32.shl(index, i32.const(3)));
}

export function kernelFunction(name: string, params: [string, ValueType][], locals: [string, ValueType][], body: (l: Locals) => Code): FunctionCode {
  const l = new Locals(params);
  for (const [localName, type] of locals) l.add(localName, type);
  for (const localName of TAIL_LOCALS) l.add(localName, 'v128');
  return { name, params: params.map(([, type]) => type), locals: l.declared, body: body(l) };
}

/** How the kernels read a threshold's doubles: two at a time, or the last one of an odd count in both lanes (only the first is stored). */
interface Lanes {
  load(address: Code): Code;
  store(address: Code, value: Code): Code;
}

const PAIR: Lanes = { load: v128.load, store: v128.store };
const LAST: Lanes = { load: v128.loadSplat, store: v128.storeFirst };

/** The thresholds j = 0, 1, … of `width`, two at a time, then the last alone when their number is odd. */
function overThresholds(l: Locals, step: (lanes: Lanes) => Code): Code {
  return [
    ...l.set('j', i32.const(0)),
    ...whileLoop(i32.ltU(l.get('j'), i32.and(l.get('width'), i32.const(-2))), [...step(PAIR), ...l.set('j', i32.add(l.get('j'), i32.const(2)))]),
    ...when(i32.ltU(l.get('j'), l.get('width')), step(LAST)),
  ];
}

/**
 * impostorAttempt(slopes, rhos, acrosses, weights, error, windowError, nodes, width, sigma, z2, residual):
 * for each node n and threshold j, p = Φ̄((slope_j·c_n − ρ_n)/σ) with c_n = √((across_n + σz₂)² + R),
 * error q ← q + p(1 − q), and windowError_j (zero on entry) += weight_n·q. Arrays are byte addresses;
 * `error` has a row of `width` doubles per node.
 */
const impostorAttempt = kernelFunction(
  'impostorAttempt',
  [['slopes', 'i32'], ['rhos', 'i32'], ['acrosses', 'i32'], ['weights', 'i32'], ['error', 'i32'], ['windowError', 'i32'], ['nodes', 'i32'], ['width', 'i32'], ['sigma', 'f64'], ['z2', 'f64'], ['residual', 'f64']],
  [['n', 'i32'], ['j', 'i32'], ['b', 'f64'], ['c', 'v128'], ['rho', 'v128'], ['weight', 'v128'], ['q', 'v128'], ['row', 'i32'], ['sum', 'i32'], ['sigmas', 'v128']],
  (l) => [
    ...l.set('sigmas', f64x2.splat(l.get('sigma'))),
    ...whileLoop(i32.ltU(l.get('n'), l.get('nodes')), [
      ...l.set('rho', v128.loadSplat(at(l.get('rhos'), l.get('n')))),
      ...l.set('b', f64.add(f64.load(at(l.get('acrosses'), l.get('n'))), f64.mul(l.get('sigma'), l.get('z2')))),
      ...l.set('c', f64x2.splat(f64.sqrt(f64.add(f64.mul(l.get('b'), l.get('b')), l.get('residual'))))),
      ...l.set('weight', v128.loadSplat(at(l.get('weights'), l.get('n')))),
      ...l.set('row', at(l.get('error'), i32.mul(l.get('n'), l.get('width')))),
      ...overThresholds(l, (lanes) => [
        ...normalTail(l, f64x2.div(f64x2.sub(f64x2.mul(lanes.load(at(l.get('slopes'), l.get('j'))), l.get('c')), l.get('rho')), l.get('sigmas'))),
        ...l.set('q', lanes.load(at(l.get('row'), l.get('j')))),
        ...l.set('q', f64x2.add(l.get('q'), f64x2.mul(l.get('tail'), f64x2.sub(f64x2.const(1), l.get('q'))))),
        ...lanes.store(at(l.get('row'), l.get('j')), l.get('q')),
        ...l.set('sum', at(l.get('windowError'), l.get('j'))),
        ...lanes.store(l.get('sum'), f64x2.add(lanes.load(l.get('sum')), f64x2.mul(l.get('weight'), l.get('q')))),
      ]),
      ...l.set('n', i32.add(l.get('n'), i32.const(1))),
    ]),
  ],
);

/**
 * genuineAttempt(slopes, error, windowError, width, sigma, residual): for each threshold j,
 * f ← f·Φ̄((1 − slope_j·√R)/σ), into `error` and `windowError` alike.
 */
const genuineAttempt = kernelFunction(
  'genuineAttempt',
  [['slopes', 'i32'], ['error', 'i32'], ['windowError', 'i32'], ['width', 'i32'], ['sigma', 'f64'], ['residual', 'f64']],
  [['j', 'i32'], ['c', 'v128'], ['f', 'v128'], ['sigmas', 'v128']],
  (l) => [
    ...l.set('sigmas', f64x2.splat(l.get('sigma'))),
    ...l.set('c', f64x2.splat(f64.sqrt(l.get('residual')))),
    ...overThresholds(l, (lanes) => [
      ...normalTail(l, f64x2.div(f64x2.sub(f64x2.const(1), f64x2.mul(lanes.load(at(l.get('slopes'), l.get('j'))), l.get('c'))), l.get('sigmas'))),
      ...l.set('f', f64x2.mul(lanes.load(at(l.get('error'), l.get('j'))), l.get('tail'))),
      ...lanes.store(at(l.get('error'), l.get('j')), l.get('f')),
      ...lanes.store(at(l.get('windowError'), l.get('j')), l.get('f')),
    ]),
  ],
);

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  impostorAttempt(slopes: number, rhos: number, acrosses: number, weights: number, error: number, windowError: number, nodes: number, stride: number, sigma: number, z2: number, residual: number): void;
  genuineAttempt(slopes: number, error: number, windowError: number, stride: number, sigma: number, residual: number): void;
}

let kernel: KernelExports | undefined;

/** The kernel's one instance in this thread: chunks are drawn one after the other, each laying out its arrays afresh. */
function kernelInstance(): KernelExports {
  kernel ??= instantiate([impostorAttempt, genuineAttempt]) as KernelExports;
  return kernel;
}

const PAGE_BYTES = 65_536;

/**
 * A chunk's arrays in the kernel's memory: per threshold the slope of its bound; per quadrature node ρ,
 * the stranger part √(1 − ρ²) and the weight; per node and threshold the error probability so far; per
 * threshold the window's. Valid until the next chunk lays out its own.
 */
export class TailKernel {
  readonly slopes: Float64Array;
  readonly rhos: Float64Array;
  readonly acrosses: Float64Array;
  readonly weights: Float64Array;
  readonly error: Float64Array;
  readonly windowError: Float64Array;
  private readonly exports: KernelExports;

  constructor(slopes: Float64Array, weights: Float64Array) {
    this.exports = kernelInstance();
    const nodes = weights.length;
    const width = slopes.length;
    const bytes = 8 * (width * (nodes + 2) + 3 * nodes);
    const memory = this.exports.memory;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
    let next = 0;
    const take = (length: number) => {
      const array = new Float64Array(memory.buffer, next, length);
      next += 8 * length;
      return array;
    };
    this.slopes = take(width);
    this.slopes.set(slopes);
    this.rhos = take(nodes);
    this.acrosses = take(nodes);
    this.weights = take(nodes);
    this.weights.set(weights);
    this.error = take(nodes * width);
    this.windowError = take(width);
  }

  /** Fills every node's row of `error` with `value`. */
  startWindow(value: number): void {
    this.error.fill(value);
  }

  impostorAttempt(sigma: number, z2: number, residual: number): void {
    this.windowError.fill(0);
    const { slopes, rhos, acrosses, weights, error, windowError } = this;
    this.exports.impostorAttempt(slopes.byteOffset, rhos.byteOffset, acrosses.byteOffset, weights.byteOffset, error.byteOffset, windowError.byteOffset, rhos.length, slopes.length, sigma, z2, residual);
  }

  genuineAttempt(sigma: number, residual: number): void {
    this.exports.genuineAttempt(this.slopes.byteOffset, this.error.byteOffset, this.windowError.byteOffset, this.slopes.length, sigma, residual);
  }
}
