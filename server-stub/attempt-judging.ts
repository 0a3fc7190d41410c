import type { SampleModality } from '../scenarios/vocabulary.ts';
import { admitAttempt, cosineSimilarity, judgeSample, type AttemptAdmission, type VerdictPolicy } from './policy/index.ts';
import { attemptFingerprint, type FingerprintedAttempt } from './attempt-fingerprint.ts';
import { ServerError } from './errors.ts';
import { JudgementReasons } from './judgement-reasons.ts';
import { attemptOutcome, windowView, type AttemptOutcome, type WindowView } from './service-views.ts';
import { coarsenLocation } from './location.ts';
import type { Clock } from './clock.ts';
import type { ServerMetrics } from './metrics.ts';
import type { AttemptRecord, Store, WindowRecord } from './store/store.ts';

/** An attempt as a route hands it on: what its fingerprint covers (the location as sent: it is coarsened before it is stored, and `accuracyM` counts only toward the fingerprint), and its id. */
export interface AttemptInput extends FingerprintedAttempt {
  attemptId: string;
}

/**
 * Judges check-in attempts for the service (checkin-service.ts): admits an attempt to its window,
 * scores it against the enrolled template, records the judgement with its reason, and answers a
 * repeated attempt id from the record (attempt-fingerprint.ts says when a repeat is the same request).
 */
export class AttemptJudge {
  private readonly reasons: JudgementReasons;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly metrics: ServerMetrics,
    private readonly settings: { policy: VerdictPolicy; locationPrecisionDeg: number },
  ) {
    this.reasons = new JudgementReasons(settings.policy);
  }

  /**
   * Judges one attempt, or replays the stored judgement of an attempt id seen before with the same
   * payload (attempt-fingerprint.ts); the same id with another payload is refused.
   */
  submit(participantId: string, input: AttemptInput): AttemptOutcome {
    const templates = this.store.templates(participantId);
    if (templates === undefined) throw participantNotEnrolled(participantId, 'params.id');
    const fingerprint = attemptFingerprint(input);
    const window = this.store.window(participantId, input.windowId);
    const now = this.clock.now();
    // A repeated attempt id is answered from its record whatever its window's state, so a refusal
    // looks for one first; an admitted attempt finds out when the store will not insert it.
    if (window === undefined || this.admission(window, now) !== 'accepted') {
      const previous = this.store.attempt(participantId, input.attemptId);
      if (previous !== undefined) return this.replay(previous, input, fingerprint, window);
      if (window === undefined) {
        throw new ServerError('SRV_ERR_WINDOW_NOT_FOUND', `participant '${participantId}' has no window '${input.windowId}'; expected an id from POST /v1/participants/{id}/windows`, 'body.windowId');
      }
      this.refuse(window, now, input.modality);
    }

    const { policy } = this.settings;
    const reference = input.modality === 'voice' ? (templates.voiceTemplate ?? templates.template) : templates.template;
    const similarity = cosineSimilarity(input.sample, reference);
    const judgement = judgeSample(input.modality, similarity, input.livenessScore, policy);
    const record: AttemptRecord = {
      participantId,
      attemptId: input.attemptId,
      windowId: input.windowId,
      modality: input.modality,
      at: now,
      attemptNumber: window.attemptsUsed + 1,
      judgement,
      similarity,
      livenessScore: input.livenessScore,
      reason: this.reasons.reason(input.modality, judgement, similarity, input.livenessScore),
      location: input.location === undefined ? undefined : coarsenLocation(input.location.lat, input.location.lon, this.settings.locationPrecisionDeg),
      device: input.device,
      poorLight: input.poorLight,
      callDirection: input.call?.direction,
      callDurationSeconds: input.call?.durationSeconds,
      fingerprint,
    };
    if (!this.store.insertAttempt(record)) return this.replay(this.store.attempt(participantId, input.attemptId)!, input, fingerprint, window);
    this.metrics.observeAttempt(input.modality, judgement, similarity);
    // The store's copy is ours: counted here as the store now counts it.
    window.attemptsUsed++;
    if (judgement === 'match') window.matched = true;
    return attemptOutcome(record, false, this.view(window, now));
  }

  private admission(window: WindowRecord, now: number): AttemptAdmission {
    return window.verdict !== undefined ? 'window_closed' : admitAttempt(window.openedAt, window.closesAt, window.attemptsUsed, now, this.settings.policy);
  }

  /** Throws the refusal of an attempt its window does not admit. */
  private refuse(window: WindowRecord, now: number, modality: SampleModality): never {
    const admission = this.admission(window, now);
    this.metrics.observeAttempt(modality, admission);
    const field = 'body.windowId';
    switch (admission) {
      case 'accepted':
        throw new Error(`window '${window.windowId}' admits the attempt; expected a refusal`);
      case 'window_not_open':
        throw new ServerError('SRV_ERR_WINDOW_NOT_OPEN', `window '${window.windowId}' opens at ${window.openedAt}, after now (${now}); expected an open window`, field);
      case 'window_closed':
        throw new ServerError('SRV_ERR_WINDOW_CLOSED', `window '${window.windowId}' closed at ${window.closesAt}, before now (${now}); expected an open window`, field);
      case 'attempts_exhausted':
        throw new ServerError('SRV_ERR_ATTEMPTS_EXHAUSTED', `window '${window.windowId}' already judged ${window.attemptsUsed} of ${this.settings.policy.maxAttempts} attempts; expected a window with attempts left`, field);
    }
  }

  /** `window` is the one the request names, which a replay's attempt was made in (else it is a conflict). */
  private replay(previous: AttemptRecord, input: AttemptInput, fingerprint: string, window: WindowRecord | undefined): AttemptOutcome {
    if (previous.windowId !== input.windowId || previous.modality !== input.modality) {
      throw new ServerError(
        'SRV_ERR_ATTEMPT_CONFLICT',
        `'${input.attemptId}' was already used for a ${previous.modality} attempt on window '${previous.windowId}'; expected a new attempt id`,
        'body.attemptId',
      );
    }
    // Attempts recorded before fingerprints were kept have none: they replay on window and modality alone.
    if (previous.fingerprint !== undefined && previous.fingerprint !== fingerprint) {
      throw new ServerError(
        'SRV_ERR_IDEMPOTENCY_KEY_REUSED',
        `'${input.attemptId}' was already used with another payload (sample, capture, location or call); expected the same request again, or a new attempt id`,
        'body.attemptId',
      );
    }
    this.metrics.observeAttempt(input.modality, 'replayed');
    return attemptOutcome(previous, true, this.view(window!, this.clock.now()));
  }

  private view(window: WindowRecord, now: number): WindowView {
    return windowView(window, now, this.settings.policy.maxAttempts);
  }
}

/** The 404 of a participant id nobody enrolled; `field` says where the id sits in the request. */
export function participantNotEnrolled(participantId: string, field: string): ServerError {
  return new ServerError('SRV_ERR_PARTICIPANT_NOT_FOUND', `no participant '${participantId}' is enrolled; expected an enrolled id`, field);
}
