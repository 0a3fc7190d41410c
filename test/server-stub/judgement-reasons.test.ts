import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/index.ts';
import { JudgementReasons } from '../../server-stub/judgement-reasons.ts';

const policy = { ...loadScenario().policy, faceThreshold: 0.36, voiceThreshold: 0.5, livenessThreshold: 0.02 };

describe('judgement reasons', () => {
  it('states the similarity to 4 decimals against the modality threshold, or the liveness against its threshold', () => {
    const reasons = new JudgementReasons(policy);
    expect(reasons.reason('face', 'match', 0.40004999, 0.9)).toBe('similarity 0.4000 ≥ face threshold 0.36');
    expect(reasons.reason('face', 'below_threshold', 0.1234567, 0.9)).toBe('similarity 0.1235 < face threshold 0.36');
    expect(reasons.reason('voice', 'match', 0.5, 1)).toBe('similarity 0.5000 ≥ voice threshold 0.5');
    expect(reasons.reason('voice', 'below_threshold', -0.25, 1)).toBe('similarity -0.2500 < voice threshold 0.5');
    expect(reasons.reason('face', 'not_live', 0.9, 0.01)).toBe('liveness 0.01 < liveness threshold 0.02');
  });

  it('keys the text by the similarity to 4 decimals, per modality and judgement', () => {
    const reasons = new JudgementReasons(policy);
    const first = reasons.reason('face', 'match', 0.70121, 0.9);
    expect(reasons.reason('face', 'match', 0.70119, 0.9)).toBe(first);
    expect(reasons.reason('face', 'match', 0.70126, 0.9)).toBe('similarity 0.7013 ≥ face threshold 0.36');
    expect(reasons.reason('face', 'below_threshold', 0.70121, 0.9)).toBe('similarity 0.7012 < face threshold 0.36');
    expect(reasons.reason('voice', 'match', 0.70121, 0.9)).toBe('similarity 0.7012 ≥ voice threshold 0.5');
    expect(reasons.reason('face', 'match', Number.NaN, 0.9)).toBe('similarity NaN ≥ face threshold 0.36');
  });
});
