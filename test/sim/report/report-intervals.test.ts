import { describe, expect, it } from 'vitest';
import { differenceInterval, poissonRate, quantileInterval, wilson, Z_95 } from '../../../sim/metrics/intervals.ts';
import { wilsonInterval } from '../../helpers/intervals.ts';

describe('intervals', () => {
  it('Wilson agrees with the test helpers and stays inside [0, 1]', () => {
    for (const [k, n] of [[0, 10], [3, 10], [10, 10], [481, 10_000]] as const) {
      const expected = wilsonInterval(k, n, Z_95);
      const actual = wilson(k, n);
      expect(actual.value).toBe(k / n);
      expect(actual.low).toBeCloseTo(Math.max(0, expected.low), 12);
      expect(actual.high).toBeCloseTo(Math.min(1, expected.high), 12);
    }
    expect(wilson(0, 0)).toEqual({ value: 0, low: 0, high: 1 });
  });

  it("differences of two Wilson intervals are Newcombe's hybrid score interval (Newcombe 1998, table II)", () => {
    // 56/70 against 48/80: difference 0.2000, 95 % interval 0.0524 to 0.3339 (method 10).
    const difference = differenceInterval(wilson(48, 80), wilson(56, 70));
    expect(difference.value).toBeCloseTo(0.2, 12);
    expect(difference.low).toBeCloseTo(0.0524, 4);
    expect(difference.high).toBeCloseTo(0.3339, 4);
  });

  it('the Poisson score interval bounds a zero count by z²/exposure', () => {
    expect(poissonRate(0, 2)).toEqual({ value: 0, low: 0, high: (Z_95 * Z_95) / 2 });
    const ten = poissonRate(10, 1);
    expect(ten.low).toBeCloseTo(5.43, 2);
    expect(ten.high).toBeCloseTo(18.409, 3);
  });

  it('a quantile interval widens outwards to the levels of its table', () => {
    const table = Array.from({ length: 20 }, (_, index) => ({ quantile: (index + 1) / 20, value: 10 * (index + 1) }));
    // n = 100: 0.5 ± 1.96·0.05 = 0.402 … 0.598 → levels 0.40 and 0.60.
    expect(quantileInterval(table, 0.5, 100, 0)).toEqual({ value: 100, low: 80, high: 120 });
    // Tiny n: the lower level falls below the table, so the floor is used.
    expect(quantileInterval(table, 0.5, 2, 0)).toEqual({ value: 100, low: 0, high: 200 });
    expect(quantileInterval(table, 0.5, 0, 0)).toBeNull();
  });
});
