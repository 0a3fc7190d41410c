import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSampleBase64, encodeSampleBase64, sampleBase64Length } from '../../server-stub/sample-encoding.ts';

describe('the base64 form of a sample', () => {
  it('gives back the same doubles, bit for bit, for any vector within the bound', () => {
    const component = fc.double({ min: -1000, max: 1000, noNaN: true });
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 300 }), (sample) => {
        const text = encodeSampleBase64(sample);
        expect(text).toHaveLength(sampleBase64Length(sample.length));
        const decoded = decodeSampleBase64(text, sample.length, 1000)!;
        expect(Array.from(decoded)).toEqual(sample); // toEqual compares numbers with Object.is: -0 stays -0
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('encodes a Float64Array to the same text as the same numbers in an array, at any offset into its buffer', () => {
    const component = fc.double({ min: -1000, max: 1000, noNaN: true });
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 300 }), fc.nat(8), (sample, offset) => {
        const view = new Float64Array(sample.length + offset).subarray(offset);
        view.set(sample);
        expect(encodeSampleBase64(view)).toBe(encodeSampleBase64(sample));
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('refuses another length, NaN, the infinities and values past the bound', () => {
    const sample = [0.5, -0.25, 0.125];
    expect(decodeSampleBase64(encodeSampleBase64(sample), 4, 1000)).toBeUndefined();
    expect(decodeSampleBase64(encodeSampleBase64(sample), 2, 1000)).toBeUndefined();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1000.0000001, -1001]) {
      expect(decodeSampleBase64(encodeSampleBase64([...sample, bad]), 4, 1000), String(bad)).toBeUndefined();
    }
    expect(decodeSampleBase64(encodeSampleBase64([...sample, 1000]), 4, 1000)).toEqual(new Float64Array([...sample, 1000]));
  });
});
