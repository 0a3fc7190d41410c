import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attemptRequest } from '../../../sim/backends/attempt-request.ts';
import { encodeSampleBase64 } from '../../../server-stub/sample-encoding.ts';

/** The body as JSON.stringify prints the request's object form, which attemptRequest's hand-printed body must match byte for byte. */
function stringifiedBody(attempt: Parameters<typeof attemptRequest>[1], sample: number[], location?: { lat: number; lon: number; accuracyM: number }): string {
  const windowId = String(attempt.windowIndex);
  const attemptId = `${attempt.windowIndex}-${attempt.attemptIndex}`;
  const sampleBase64 = encodeSampleBase64(sample);
  if (attempt.modality === 'face') {
    return JSON.stringify({ windowId, attemptId, modality: 'face', sampleBase64, capture: { livenessScore: attempt.livenessScore }, ...(location && { location }) });
  }
  return JSON.stringify({ windowId, attemptId, sampleBase64, call: { direction: attempt.windowKind === 'adhoc' ? 'outbound' : 'inbound', durationSeconds: 90 } });
}

describe('a check-in request body', () => {
  it('is the bytes JSON.stringify gives for its object form, for any attempt, sample and location', () => {
    const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true });
    const attempt = fc.record({
      windowIndex: fc.nat(1_000_000),
      attemptIndex: fc.nat(20),
      modality: fc.constantFrom('face' as const, 'voice' as const),
      windowKind: fc.constantFrom('scheduled' as const, 'adhoc' as const),
      livenessScore: finite(0, 1),
    });
    const location = fc.option(fc.record({ lat: finite(-90, 90), lon: finite(-180, 180), accuracyM: finite(0, 5_000) }), { nil: undefined });
    fc.assert(
      fc.property(attempt, fc.array(finite(-1000, 1000), { minLength: 1, maxLength: 128 }), location, (drawn, sample, where) => {
        const request = attemptRequest('p42', drawn, new Float64Array(sample), where);
        expect(request.body).toBe(stringifiedBody(drawn, sample, drawn.modality === 'face' ? where : undefined));
        // AttemptConnections writes it as latin1 (bodyIsAscii), which is its UTF-8 only when it is ASCII.
        expect(request.body).toMatch(/^[\x20-\x7e]*$/);
        expect(request.path).toBe(drawn.modality === 'face' ? '/v1/participants/p42/checkins' : '/v1/participants/p42/calls');
      }),
      { seed: 5, numRuns: 500 },
    );
  });
});
