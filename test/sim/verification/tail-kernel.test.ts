import { describe, expect, it } from 'vitest';
import { exp, kernelFunction, TailKernel } from '../../../sim/verification/tail-kernel.ts';
import { f64x2, i32, instantiate, v128 } from '../../../sim/verification/wasm-code.ts';
import { genuineAttempt, impostorAttempt, normalTail, type KernelArrays } from '../../helpers/reference-study-kernel.ts';
import { studyStream } from '../../../sim/rng/index.ts';

// The study's sums must be the same bits with the WebAssembly kernel as with the JavaScript one it
// replaced (the verification digest depends on them): every double it writes is compared bit for bit.

const bits = (values: Float64Array) => [...new BigUint64Array(values.slice().buffer)];

function referenceArrays(kernel: TailKernel): KernelArrays {
  return {
    slopes: kernel.slopes.slice(),
    rhos: kernel.rhos.slice(),
    acrosses: kernel.acrosses.slice(),
    weights: kernel.weights.slice(),
    error: kernel.error.slice(),
    windowError: kernel.windowError.slice(),
  };
}

/** Slopes of the study's bound for `width` ascending thresholds drawn from (−1, 1), as ChunkDraws makes them. */
function slopesOf(width: number, uniform: () => number): Float64Array {
  const thresholds = Array.from({ length: width }, () => 2 * uniform() - 1).sort((a, b) => a - b);
  return Float64Array.from(thresholds, (t) => t / Math.sqrt(1 - t * t));
}

describe('tail kernel (WebAssembly)', () => {
  it("gives the JavaScript kernel's bits for impostor and genuine windows over random draws, odd and even threshold counts, in a memory it grows", () => {
    const stream = studyStream(7, 'tail-kernel-test');
    const uniform = () => stream.uniform();
    for (let round = 0; round < 300; round++) {
      const impostor = round % 2 === 0;
      const nodes = impostor ? 16 : 1;
      const weights = Float64Array.from({ length: nodes }, () => uniform() / nodes);
      // The last impostor round has more thresholds than the kernel's first page of memory holds: it grows.
      const width = round === 298 ? 1501 : 1 + (round % 40);
      const kernel = new TailKernel(slopesOf(width, uniform), weights);
      for (let n = 0; n < nodes; n++) {
        kernel.rhos[n] = impostor ? 2 * uniform() - 1 : 1;
        kernel.acrosses[n] = impostor ? Math.sqrt(1 - kernel.rhos[n]! ** 2) : 0;
      }
      kernel.startWindow(impostor ? 0 : 1);
      const reference = referenceArrays(kernel);
      for (let attempt = 0; attempt < 4; attempt++) {
        // σ from 0.005 to 2 (log-uniform), residual σ²·χ² of a few to a few hundred degrees of freedom.
        const sigma = 0.005 * 400 ** uniform();
        const residual = sigma * sigma * (2 + 300 * uniform());
        if (impostor) {
          const z2 = stream.normal();
          kernel.impostorAttempt(sigma, z2, residual);
          impostorAttempt(reference, sigma, z2, residual);
        } else {
          kernel.genuineAttempt(sigma, residual);
          genuineAttempt(reference, sigma, residual);
        }
        expect(bits(kernel.error)).toEqual(bits(reference.error));
        expect(bits(kernel.windowError)).toEqual(bits(reference.windowError));
      }
    }
  });

  it('gives normalTail’s bits at 2 million arguments from −40 to 40, every branch of its erfc and the edges between them', () => {
    // A genuine attempt with σ = 1, R = 1 and f = 1 leaves Φ̄(1 − slope) in windowError.
    const edges = [0, 0.46875, 4, 26.543].flatMap((y) => [y, -y].map((edge) => edge * Math.SQRT2)).flatMap((x) => [x, x * (1 + 2 ** -52), x * (1 - 2 ** -52)]);
    const special = [...edges, 37.5, 40, -40, Infinity, -Infinity, Number.NaN, -0];
    const stream = studyStream(11, 'tail-kernel-arguments');
    const width = 2000;
    for (let batch = 0; batch < 1000; batch++) {
      const argumentsOf = Float64Array.from({ length: width }, (_, j) => (batch === 0 && j < special.length ? special[j]! : 80 * stream.uniform() - 40));
      const kernel = new TailKernel(
        argumentsOf.map((x) => 1 - x),
        Float64Array.of(1),
      );
      kernel.startWindow(1);
      kernel.genuineAttempt(1, 1);
      const expected = Float64Array.from(kernel.slopes, (slope) => normalTail(1 - slope));
      expect(bits(kernel.windowError)).toEqual(bits(expected));
    }
  });

  it("computes e^x as V8's Math.exp does (fdlibm), bit for bit, at 3 million arguments over the range Φ̄ takes it at (−y², 0.46875 < y < 26.543)", () => {
    const probe = kernelFunction('exp', [['x', 'f64']], [], (l) => v128.storeFirst(i32.const(0), exp(l, f64x2.splat(l.get('x')))));
    const exports = instantiate([probe]) as { exp(x: number): void; memory: { buffer: ArrayBuffer } };
    const result = new Float64Array(exports.memory.buffer, 0, 1);
    const stream = studyStream(13, 'tail-kernel-exp');
    // fdlibm's range cuts on the high word of |x| (above 0x3fd62e42: |x| > ½ln 2; below 0x3ff0a2b2: |x| < 1.5 ln 2), either side, and ½ln 2, 1.5 ln 2 themselves.
    const words = [0x3fd62e42ffffffffn, 0x3fd62e4300000000n, 0x3ff0a2b1ffffffffn, 0x3ff0a2b200000000n];
    const boundaries = [...new Float64Array(BigUint64Array.from(words).buffer), Math.LN2 / 2, (3 * Math.LN2) / 2].map((x) => -x);
    const mismatches: number[] = [];
    for (let i = 0; i < 3_000_000 + boundaries.length; i++) {
      const y = 0.46875 + (26.543 - 0.46875) * stream.uniform() ** 2;
      const x = i < boundaries.length ? boundaries[i]! : -y * y;
      exports.exp(x);
      if (!Object.is(result[0], Math.exp(x))) mismatches.push(x);
    }
    expect(mismatches).toEqual([]);
  });
});
