import { describe, expect, it } from 'vitest';
import { strangerNodes } from '../../../sim/verification/stranger-quadrature.ts';

// The quadrature the study integrates a window over a stranger's ρ with: against the moments of one
// coordinate of a uniform unit vector in d dimensions, E ρ² = 1/d, E ρ⁴ = 3/(d(d + 2)),
// E ρ⁶ = 15/(d(d + 2)(d + 4)), and against the Beta tail's mean of a steep function.

const moment = (nodes: ReturnType<typeof strangerNodes>, g: (rho: number) => number) => nodes.rho.reduce((sum, rho, i) => sum + nodes.weight[i]! * g(rho), 0);

describe('stranger quadrature', () => {
  it('has symmetric nodes, positive weights summing to 1, and the moments of ρ to 1e-10 relative for any dimension', () => {
    for (const d of [3, 8, 32, 128, 512]) {
      const nodes = strangerNodes(d, 16);
      expect(moment(nodes, () => 1)).toBeCloseTo(1, 14);
      for (let i = 0; i < 16; i++) {
        expect(nodes.rho[i]! + nodes.rho[15 - i]!).toBeCloseTo(0, 12);
        expect(nodes.weight[i]!).toBeGreaterThan(0);
      }
      expect(moment(nodes, (rho) => rho) / Math.sqrt(1 / d)).toBeCloseTo(0, 12);
      expect(Math.abs(moment(nodes, (rho) => rho ** 2) * d - 1)).toBeLessThan(1e-10);
      expect(Math.abs((moment(nodes, (rho) => rho ** 4) * d * (d + 2)) / 3 - 1)).toBeLessThan(1e-10);
      expect(Math.abs((moment(nodes, (rho) => rho ** 6) * d * (d + 2) * (d + 4)) / 15 - 1)).toBeLessThan(1e-10);
    }
  });

  it('integrates e^{λρ}, which puts its mass 3 standard deviations out, as more nodes do, to 1e-7', () => {
    const d = 128;
    const steep = (rho: number) => Math.exp(3 * Math.sqrt(d) * rho);
    expect(Math.abs(moment(strangerNodes(d, 16), steep) / moment(strangerNodes(d, 48), steep) - 1)).toBeLessThan(1e-7);
  });
});
