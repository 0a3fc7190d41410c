import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../../sim/rng/index.ts';
import { drawGenuineSample, drawImpostorSample, drawSampleSimilarity, sampleSimilarity } from '../../../sim/behaviour/biometrics.ts';

// Sim mode judges a sample's similarity as it draws it (drawSampleSimilarity); drive mode draws the
// sample (drawGenuineSample, drawImpostorSample) and the server computes it. Both must agree draw for
// draw, and leave their streams at the same point, or the two modes would drift apart.
describe('a sample judged in place', () => {
  const cases = [
    { who: 'the participant', impostor: false, rho: 1 },
    { who: 'a stranger', impostor: true, rho: 0.05 },
    { who: 'a look-alike', impostor: true, rho: 0.62 },
  ];
  for (const { who, impostor, rho } of cases) {
    it(`has the similarity of the drawn sample, for ${who}`, () => {
      const inPlace = new RandomStream(`in-place/${who}`);
      const drawn = new RandomStream(`in-place/${who}`);
      for (let attempt = 0; attempt < 2_000; attempt++) {
        const sigma = 0.1 + (attempt % 7) * 0.05;
        const draw = impostor ? drawImpostorSample(drawn, sigma, 128, rho) : drawGenuineSample(drawn, sigma, 128);
        expect(drawSampleSimilarity(inPlace, sigma, 128, impostor, rho)).toBe(sampleSimilarity(draw));
      }
      expect(inPlace.draws).toBe(drawn.draws);
      expect(inPlace.uniform()).toBe(drawn.uniform());
    });
  }
});
