import { sampleComponents, type SampleDraw } from '../behaviour/biometrics.ts';

/**
 * The vectors a client sends, built around a participant's enrolled template t: two unit vectors
 * e and f orthogonal to t and to each other (Gram–Schmidt on two coordinate axes) span, with t, the
 * only directions a sample needs, since its cosine with t depends only on its components along t,
 * along e and across the rest (biometrics.ts). So a drawn sample becomes a·t + b·e + r·f, which the
 * server scores exactly as sim mode does.
 */
export class SampleBasis {
  private readonly across: Float64Array;
  private readonly residual: Float64Array;

  constructor(readonly template: Float64Array) {
    this.across = orthonormalAxis(template, [], 0);
    this.residual = orthonormalAxis(template, [this.across], 1);
  }

  /**
   * The vector of `draw`, written into `into` when given: a sender that encodes each vector before
   * building the next reuses one array, where a fresh 1 KiB array per request (allocated off the heap,
   * then collected) cost the driver more than the arithmetic.
   */
  vectorFor(draw: SampleDraw, into?: Float64Array): Float64Array {
    const { along, across, residualNorm } = sampleComponents(draw);
    // The axes as locals: read through `this` on every element, the loop ran about a fifth slower.
    const { template, across: acrossAxis, residual } = this;
    const vector = into ?? new Float64Array(template.length);
    for (let i = 0; i < vector.length; i++) {
      vector[i] = along * template[i]! + across * acrossAxis[i]! + residualNorm * residual[i]!;
    }
    return vector;
  }
}

/** A unit vector orthogonal to t and to `others`, from the first coordinate axis at or after `start` that is not in their span. */
function orthonormalAxis(template: Float64Array, others: readonly Float64Array[], start: number): Float64Array {
  for (let axis = start; axis < template.length; axis++) {
    const vector = new Float64Array(template.length);
    vector[axis] = 1;
    for (const basis of [template, ...others]) {
      const projection = vector.reduce((sum, value, index) => sum + value * basis[index]!, 0);
      for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! - projection * basis[i]!;
    }
    const norm = Math.hypot(...vector);
    if (norm > 1e-6) return vector.map((value) => value / norm);
  }
  throw new Error('template dimension too small for an orthonormal sample basis');
}
