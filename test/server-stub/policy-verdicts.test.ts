import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/index.ts';
import {
  admitAttempt,
  advanceStreak,
  cosineSimilarity,
  judgeSample,
  streakAfterInPersonVisit,
  windowClosesAt,
  windowVerdict,
} from '../../server-stub/policy/index.ts';

const policy = { ...loadScenario().policy, windowMinutes: 240, adHocWindowMinutes: 60, graceMinutes: 15, maxAttempts: 3, escalateAfterFailedWindows: 2 };

describe('verdict policy', () => {
  it('closes a window after its length plus grace', () => {
    expect(windowClosesAt(1_000, 'scheduled', policy)).toBe(1_000 + 255 * 60_000);
    expect(windowClosesAt(1_000, 'adhoc', policy)).toBe(1_000 + 75 * 60_000);
  });

  it('admits attempts only inside the window and within the allowed number', () => {
    expect(admitAttempt(100, 200, 0, 99, policy)).toBe('window_not_open');
    expect(admitAttempt(100, 200, 0, 100, policy)).toBe('accepted');
    expect(admitAttempt(100, 200, 2, 200, policy)).toBe('accepted');
    expect(admitAttempt(100, 200, 0, 201, policy)).toBe('window_closed');
    expect(admitAttempt(100, 200, 3, 150, policy)).toBe('attempts_exhausted');
  });

  it('judges liveness first, then similarity against the modality threshold', () => {
    expect(judgeSample('face', 0.9, 0.001, policy)).toBe('not_live');
    expect(judgeSample('face', policy.faceThreshold, 0.5, policy)).toBe('match');
    expect(judgeSample('face', policy.faceThreshold - 1e-9, 0.5, policy)).toBe('below_threshold');
    expect(judgeSample('voice', 0.9, 0, policy)).toBe('match');
  });

  it('gives a window its verdict from what was judged', () => {
    expect(windowVerdict(2, true)).toBe('verified');
    expect(windowVerdict(2, false)).toBe('rejected');
    expect(windowVerdict(0, false)).toBe('missed');
  });

  it('escalates after K failed windows in a row and starts counting again', () => {
    let streak = 0;
    const escalations = (['missed', 'verified', 'rejected', 'missed', 'missed', 'missed'] as const).map((verdict) => {
      const step = advanceStreak(streak, verdict, policy);
      streak = step.failedStreak;
      return step.escalate;
    });
    expect(escalations).toEqual([false, false, false, true, false, true]);
    expect(streakAfterInPersonVisit(1, { ...policy, inPersonVisitClearsStreak: true })).toBe(0);
    expect(streakAfterInPersonVisit(1, { ...policy, inPersonVisitClearsStreak: false })).toBe(1);
  });

  it('computes cosine similarity', () => {
    expect(cosineSimilarity([1, 0], [1, 0])).toBeCloseTo(1);
    expect(cosineSimilarity([1, 0], [0, 2])).toBeCloseTo(0);
    expect(cosineSimilarity([1, 1], [-1, -1])).toBeCloseTo(-1);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
  });
});
