/**
 * Φ̄(x) = P(Z ≥ x) for a standard normal Z, to a relative accuracy of ~1e-13 however far into the tail,
 * 0 once it underflows (past x ≈ 37.5). Through erfc by W. J. Cody's rational Chebyshev approximations
 * ("Rational Chebyshev approximations for the error function", Math. Comp. 23, 1969; the coefficients
 * of Netlib's SPECFUN CALERF), written out here because the study calls it tens of millions of times:
 * with Math.exp it costs a fraction of stdlib's erfc, against whose values its test holds it.
 */
export function normalTail(x: number): number {
  return 0.5 * erfc(x * Math.SQRT1_2);
}

const ONE_OVER_SQRT_PI = 0.5641895835477563;
/** erfc underflows past this. */
const BIG = 26.543;

// Three small functions rather than one, their coefficients written as literals rather than read from
// arrays: V8 then inlines them into the study's loops, where one erfc was too large to inline and every
// call boxed its argument and its result (about 20 million heap numbers a run). The same operations in
// the same order: the same bits.
function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return erfcNearZero(x, y);
  const tail = y <= 4 ? tailUpTo4(y) : y < BIG ? tailBeyond4(y) : y === y ? 0 : NaN;
  return x < 0 ? 2 - tail : tail;
}

function erfcNearZero(x: number, y: number): number {
  const z = y * y;
  const numerator = (((0.18577770618460315 * z + 3.1611237438705655) * z + 113.86415415105016) * z + 377.485237685302) * z + 3209.3775891384694;
  const denominator = (((z + 23.601290952344122) * z + 244.02463793444417) * z + 1282.6165260773723) * z + 2844.236833439171;
  return 1 - (x * numerator) / denominator;
}

function tailUpTo4(y: number): number {
  const numerator = (((((((2.1531153547440383e-8 * y + 0.5641884969886701) * y + 8.883149794388377) * y + 66.11919063714163) * y + 298.6351381974001) * y + 881.952221241769) * y + 1712.0476126340707) * y + 2051.0783778260716) * y + 1230.3393547979972;
  const denominator = (((((((y + 15.744926110709835) * y + 117.6939508913125) * y + 537.1811018620099) * y + 1621.3895745666903) * y + 3290.7992357334597) * y + 4362.619090143247) * y + 3439.3676741437216) * y + 1230.3393548037495;
  return (Math.exp(-y * y) * numerator) / denominator;
}

function tailBeyond4(y: number): number {
  const z = 1 / (y * y);
  const numerator = ((((0.016315387137302097 * z + 0.30532663496123236) * z + 0.36034489994980445) * z + 0.12578172611122926) * z + 0.016083785148742275) * z + 0.0006587491615298378;
  const denominator = ((((z + 2.568520192289822) * z + 1.8729528499234604) * z + 0.5279051029514285) * z + 0.06051834131244132) * z + 0.0023352049762686918;
  return (Math.exp(-y * y) * (ONE_OVER_SQRT_PI - (z * numerator) / denominator)) / y;
}
