/**
 * The reference verdict logic: pure functions of the policy settings and what happened. The simulator's
 * in-process backend and the fastify server both call these, so the two reach the same verdicts.
 * Times are integer milliseconds of virtual time.
 */
import type { Judgement, SampleModality, Verdict } from '../../scenarios/vocabulary.ts';

export interface VerdictPolicy {
  windowMinutes: number;
  adHocWindowMinutes: number;
  graceMinutes: number;
  maxAttempts: number;
  faceThreshold: number;
  voiceThreshold: number;
  livenessThreshold: number;
  escalateAfterFailedWindows: number;
  inPersonVisitClearsStreak: boolean;
}

export type WindowKind = 'scheduled' | 'adhoc';

const MINUTE_MS = 60_000;

/** The instant after which a window takes no more attempts: its length plus grace. */
export function windowClosesAt(openedAt: number, kind: WindowKind, policy: VerdictPolicy): number {
  const lengthMinutes = kind === 'scheduled' ? policy.windowMinutes : policy.adHocWindowMinutes;
  return openedAt + Math.round((lengthMinutes + policy.graceMinutes) * MINUTE_MS);
}

export type AttemptAdmission = 'accepted' | 'window_not_open' | 'window_closed' | 'attempts_exhausted';

/** Whether an attempt made at `at` is judged at all. */
export function admitAttempt(openedAt: number, closesAt: number, attemptsJudged: number, at: number, policy: VerdictPolicy): AttemptAdmission {
  if (at < openedAt) return 'window_not_open';
  if (at > closesAt) return 'window_closed';
  if (attemptsJudged >= policy.maxAttempts) return 'attempts_exhausted';
  return 'accepted';
}

/** Judges one sample: liveness first (selfies only), then similarity against the threshold. */
export function judgeSample(modality: SampleModality, similarity: number, livenessScore: number, policy: VerdictPolicy): Judgement {
  if (modality === 'face' && livenessScore < policy.livenessThreshold) return 'not_live';
  const threshold = modality === 'face' ? policy.faceThreshold : policy.voiceThreshold;
  return similarity >= threshold ? 'match' : 'below_threshold';
}

/**
 * A window's verdict once it has closed: verified if any attempt matched; rejected if attempts were
 * judged and none matched; missed if nothing reached judgement.
 */
export function windowVerdict(attemptsJudged: number, matched: boolean): Verdict {
  if (matched) return 'verified';
  return attemptsJudged > 0 ? 'rejected' : 'missed';
}

export interface StreakStep {
  failedStreak: number;
  escalate: boolean;
}

/** Advances the failed-window streak; the K-th failure in a row escalates and starts a new count. */
export function advanceStreak(failedStreak: number, verdict: Verdict, policy: VerdictPolicy): StreakStep {
  if (verdict === 'verified') return { failedStreak: 0, escalate: false };
  const next = failedStreak + 1;
  if (next >= policy.escalateAfterFailedWindows) return { failedStreak: 0, escalate: true };
  return { failedStreak: next, escalate: false };
}

/** The streak after an in-person visit, which proves presence when the policy says so. */
export function streakAfterInPersonVisit(failedStreak: number, policy: VerdictPolicy): number {
  return policy.inPersonVisitClearsStreak ? 0 : failedStreak;
}

/** Cosine similarity of two vectors of equal length; 0 when either is all zeros. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
