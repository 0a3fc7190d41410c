import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { describe, expect, it } from 'vitest';
import { normalTail } from '../../helpers/reference-study-kernel.ts';

// The study's Φ̄ must keep its relative accuracy where its values are tiny: a window's false-match
// probability at a rare threshold is a product of such values.

/** Φ̄(x) by its asymptotic series φ(x)/x · (1 − 1/x² + 3/x⁴ − 15/x⁶ + 105/x⁸), good to ~1e-10 past x = 30. */
function asymptoticTail(x: number): number {
  const u = 1 / (x * x);
  return (Math.exp(-0.5 * x * x) / (x * Math.sqrt(2 * Math.PI))) * (1 - u + 3 * u * u - 15 * u ** 3 + 105 * u ** 4);
}

describe('normal tail', () => {
  it("agrees with stdlib's normal CDF to 1e-12 relative from −8 to 37", () => {
    for (let x = -8; x <= 37; x += 0.173) {
      const expected = normalCdf(-x, 0, 1);
      expect(Math.abs(normalTail(x) - expected) / expected).toBeLessThan(1e-12);
    }
  });

  it('keeps its relative accuracy down to 1e-300, against the asymptotic series', () => {
    for (const x of [30, 33, 35, 37]) expect(Math.abs(normalTail(x) / asymptoticTail(x) - 1)).toBeLessThan(1e-9);
    expect(normalTail(37)).toBeLessThan(1e-299);
    expect(normalTail(37)).toBeGreaterThan(1e-300);
  });

  it('is 1/2 at 0, 1 and 0 at the infinities, and Φ̄(5) to the tabled value', () => {
    expect(normalTail(0)).toBe(0.5);
    expect(normalTail(-Infinity)).toBe(1);
    expect(normalTail(Infinity)).toBe(0);
    expect(normalTail(40)).toBe(0);
    // Abramowitz & Stegun 26.2: Q(5) = 2.866515718791939e-7.
    expect(Math.abs(normalTail(5) / 2.866515718791939e-7 - 1)).toBeLessThan(1e-13);
  });
});
