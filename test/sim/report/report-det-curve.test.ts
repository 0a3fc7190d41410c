import { describe, expect, it } from 'vitest';
import { addHistograms, detCurve, operatingPoint } from '../../../sim/report/det-curve.ts';

describe('DET curve from score histograms', () => {
  const genuine = { from: 0.3, counts: [10, 30, 60] }; // scores in [0.30, 0.33)
  const impostor = { from: -0.02, counts: [50, 40, 10] }; // scores in [-0.02, 0.01)

  it('has one point per bin edge, from everything accepted to everything refused', () => {
    const curve = detCurve(genuine, impostor, 0.01);
    expect(curve).toHaveLength(201);
    expect(curve[0]).toEqual({ threshold: -1, falseMatchRate: 1, falseNonMatchRate: 0 });
    expect(curve.at(-1)).toEqual({ threshold: 1, falseMatchRate: 0, falseNonMatchRate: 1 });
    for (let i = 1; i < curve.length; i++) {
      expect(curve[i]!.falseMatchRate).toBeLessThanOrEqual(curve[i - 1]!.falseMatchRate);
      expect(curve[i]!.falseNonMatchRate).toBeGreaterThanOrEqual(curve[i - 1]!.falseNonMatchRate);
    }
  });

  it('reads rates at bin edges exactly and interpolates inside a bin', () => {
    expect(operatingPoint(genuine, impostor, 0.01, 0.31)).toEqual({ threshold: 0.31, falseMatchRate: 0, falseNonMatchRate: 0.1 });
    expect(operatingPoint(genuine, impostor, 0.01, 0)).toMatchObject({ falseMatchRate: 0.1, falseNonMatchRate: 0 });
    const inside = operatingPoint(genuine, impostor, 0.01, 0.315);
    expect(inside.falseNonMatchRate).toBeCloseTo(0.25, 12);
  });

  it('adds histograms that start at different bins', () => {
    expect(addHistograms([genuine, { from: 0.31, counts: [1, 1, 1] }, { from: -1, counts: [] }], 0.01)).toEqual({ from: 0.3, counts: [10, 31, 61, 1] });
    expect(addHistograms([], 0.01)).toEqual({ from: -1, counts: [] });
  });
});
