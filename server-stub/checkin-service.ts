import type { Verdict } from '../scenarios/vocabulary.ts';
import { advanceStreak, windowClosesAt, windowVerdict, type VerdictPolicy, type WindowKind } from './policy/index.ts';
import { AttemptJudge, participantNotEnrolled, type AttemptInput } from './attempt-judging.ts';
import { ServerError } from './errors.ts';
import { verdictReason, windowView, type AttemptOutcome, type WindowView } from './service-views.ts';
import { checkPersonalRecord, type PersonalRecord } from './personal-record.ts';
import { createRetentionClock, type Clock, type RetentionClock } from './clock.ts';
import type { ServerMetrics } from './metrics.ts';
import type { TokenSigner } from './tokens.ts';
import type { AttemptRecord, EscalationRecord, ParticipantRecord, PersonalDataDeleted, Store, WindowClosure, WindowRecord } from './store/store.ts';

/**
 * What the server decides, between the routes (which validate and serialise) and the store (which
 * keeps). The verdict logic itself is server-stub/policy, shared with the simulator: this module only
 * calls it in order and records each decision with its reason.
 */

// Templates arrive as JSON doubles, possibly rounded from float32; a looser bound would accept a vector nobody normalised.
const UNIT_NORM_TOLERANCE = 1e-3;
const CLOSE_BATCH = 1000;
const DAY_MS = 86_400_000;

export interface EnrolmentInput {
  participantId: string;
  template: number[];
  voiceTemplate?: number[] | undefined;
  timeZone?: string | undefined;
  personalRecord?: PersonalRecord | undefined;
}

/** What an officer reads of a participant's personal record. */
export interface PersonalRecordView {
  participantId: string;
  state: 'held' | 'none';
  personalRecord?: PersonalRecord | undefined;
  /** Virtual ms after which it is deleted, unless a later window closes after it. */
  deleteAfter?: number | undefined;
}

export interface WindowInput {
  participantId: string;
  windowId: string;
  kind: WindowKind;
  openedAt?: number | undefined;
}

export interface CloseSummary {
  now: number;
  closed: number;
  verdicts: Record<Verdict, number>;
  escalations: number;
}

export interface ServiceSettings {
  policy: VerdictPolicy;
  locationPrecisionDeg: number;
  locationRetentionDays: number;
  personalDataRetentionDays: number;
}

export class CheckInService {
  private readonly judge: AttemptJudge;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly tokens: TokenSigner,
    private readonly metrics: ServerMetrics,
    private readonly settings: ServiceSettings,
    /** Retention's clock (clock.ts): virtual time, moved ahead after a restart with an earlier clock start. */
    private readonly retention: RetentionClock = createRetentionClock(clock, 0),
  ) {
    this.judge = new AttemptJudge(store, clock, metrics, settings);
  }

  /** Enrols all or none; `field` is where the list sits in the request, for error messages. */
  enrol(inputs: readonly EnrolmentInput[], field: (index: number) => string): { tokens: { participantId: string; token: string }[]; tokenExpiresAt: number } {
    const enrolledAt = this.clock.now();
    const records = inputs.map((input, index): ParticipantRecord => {
      if (input.personalRecord !== undefined) checkPersonalRecord(input.personalRecord, `${field(index)}.personalRecord`);
      return {
        participantId: input.participantId,
        template: unitVector(input.template, `${field(index)}.template`),
        voiceTemplate: input.voiceTemplate === undefined ? undefined : unitVector(input.voiceTemplate, `${field(index)}.voiceTemplate`),
        timeZone: input.timeZone,
        personalRecord: input.personalRecord,
        enrolledAt,
        failedStreak: 0,
        escalations: 0,
      };
    });
    const duplicate = this.store.insertParticipants(records);
    if (duplicate >= 0) {
      throw new ServerError('SRV_ERR_PARTICIPANT_EXISTS', `'${inputs[duplicate]!.participantId}' is already enrolled; expected a new id`, `${field(duplicate)}.participantId`);
    }
    const nowSeconds = Math.floor(Date.now() / 1000);
    let tokenExpiresAt = 0;
    const tokens = inputs.map(({ participantId }) => {
      const issued = this.tokens.issue(participantId, nowSeconds);
      tokenExpiresAt = issued.expiresAt;
      return { participantId, token: issued.token };
    });
    return { tokens, tokenExpiresAt };
  }

  /** Opens a window; opening an existing one again with the same kind and time returns it unchanged. */
  openWindow(participantId: string, input: Omit<WindowInput, 'participantId'>): { created: boolean; window: WindowView } {
    const [window] = this.openWindows([{ ...input, participantId }], () => 'body', () => 'params.id');
    return { created: window!.created, window: this.view(window!.record, this.clock.now()) };
  }

  /**
   * Opens windows all or none, each under the rules of `openWindow`; `field` and `participantField`
   * say where an input sits in the request, for error messages.
   */
  openWindows(inputs: readonly WindowInput[], field: (index: number) => string, participantField: (index: number) => string): { created: boolean; record: WindowRecord }[] {
    const now = this.clock.now();
    const enrolled = new Set<string>();
    const seen = new Map<string, WindowRecord>();
    const outcomes = inputs.map((input, index) => {
      if (!enrolled.has(input.participantId)) {
        this.participant(input.participantId, participantField(index));
        enrolled.add(input.participantId);
      }
      const key = `${input.participantId}\u0000${input.windowId}`;
      const existing = seen.get(key) ?? this.store.window(input.participantId, input.windowId);
      if (existing !== undefined) {
        if (existing.kind !== input.kind || (input.openedAt !== undefined && input.openedAt !== existing.openedAt)) {
          throw new ServerError(
            'SRV_ERR_WINDOW_CONFLICT',
            `'${input.windowId}' is already a ${existing.kind} window opened at ${existing.openedAt}; expected a new id or the same kind and time`,
            `${field(index)}.windowId`,
          );
        }
        return { created: false, record: existing };
      }
      const openedAt = input.openedAt ?? now;
      const record: WindowRecord = {
        participantId: input.participantId,
        windowId: input.windowId,
        kind: input.kind,
        openedAt,
        closesAt: windowClosesAt(openedAt, input.kind, this.settings.policy),
        attemptsUsed: 0,
        matched: false,
      };
      seen.set(key, record);
      return { created: true, record };
    });
    this.store.insertWindows(outcomes.filter((outcome) => outcome.created).map((outcome) => outcome.record));
    return outcomes;
  }

  /** Windows that still want an answer now: open, not matched, attempts left. */
  openPrompts(participantId: string): { now: number; windows: WindowView[] } {
    this.participant(participantId);
    const now = this.clock.now();
    const windows = this.store
      .unclosedWindows(participantId)
      .map((window) => this.view(window, now))
      .filter((view) => view.state === 'open' && !view.matched && view.attemptsLeft > 0);
    return { now, windows };
  }

  /** Judges one attempt, or replays the stored judgement of a repeated attempt id (attempt-judging.ts). */
  submitAttempt(participantId: string, input: AttemptInput): AttemptOutcome {
    return this.judge.submit(participantId, input);
  }

  /**
   * Closes every window past its close time, oldest first, recording each verdict and escalation
   * with its reason. Yields between batches so a Monday-morning pile of windows does not stall requests.
   */
  async closeDue(): Promise<CloseSummary> {
    const now = this.clock.now();
    const summary: CloseSummary = { now, closed: 0, verdicts: { verified: 0, rejected: 0, missed: 0 }, escalations: 0 };
    const policy = this.settings.policy;
    for (;;) {
      const closed = this.store.closeDueWindows(now, CLOSE_BATCH, (window, failedStreak): WindowClosure => {
        const verdict = windowVerdict(window.attemptsUsed, window.matched);
        const step = advanceStreak(failedStreak, verdict, policy);
        if (step.escalate) summary.escalations++;
        return {
          verdict,
          reason: verdictReason(verdict, window),
          failedStreak: step.failedStreak,
          escalationReason: step.escalate
            ? `${policy.escalateAfterFailedWindows} failed window(s) in a row (the policy escalates after ${policy.escalateAfterFailedWindows}); the last, ${window.windowId}, was ${verdict}`
            : undefined,
        };
      });
      for (const window of closed) {
        summary.verdicts[window.verdict!]++;
        this.metrics.windowVerdicts.inc({ kind: window.kind, verdict: window.verdict! });
      }
      summary.closed += closed.length;
      if (closed.length < CLOSE_BATCH) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.metrics.escalations.inc(summary.escalations);
    return summary;
  }

  /**
   * Deletes personal data past its retention, on the retention clock: locations and device models of
   * check-ins older than `location.retentionDays`, personal records and time zones of participants
   * whose last window closed more than `personalData.retentionDays` ago. Notes the instant in the
   * store, so a restart cannot wind retention back. Returns what was deleted.
   */
  deleteExpiredPersonalData(): PersonalDataDeleted {
    const now = this.retention.now();
    this.store.noteRetentionInstant(now);
    const deleted = this.store.deletePersonalDataBefore({
      checkIns: now - this.settings.locationRetentionDays * DAY_MS,
      participants: now - this.settings.personalDataRetentionDays * DAY_MS,
    });
    this.metrics.countPersonalDataDeleted(deleted);
    return deleted;
  }

  /** The participant's personal record, for the officer; nothing once retention has deleted it. */
  personalRecord(participantId: string): PersonalRecordView {
    this.participant(participantId);
    this.deleteExpiredPersonalData();
    const held = this.store.personalRecord(participantId);
    if (held === undefined) return { participantId, state: 'none' };
    const deleteAfter = held.activeUntil + this.settings.personalDataRetentionDays * DAY_MS - this.retention.offset;
    return { participantId, state: 'held', personalRecord: held.record, deleteAfter: Math.max(0, deleteAfter) };
  }

  status(participantId: string) {
    this.participant(participantId);
    // Nothing past its retention is shown, whether or not housekeeping has run since.
    this.deleteExpiredPersonalData();
    const participant = this.participant(participantId);
    const now = this.clock.now();
    return {
      participantId,
      enrolledAt: participant.enrolledAt,
      timeZone: participant.timeZone,
      failedStreak: participant.failedStreak,
      escalations: participant.escalations,
      unclosedWindows: this.store.unclosedWindows(participantId).map((window) => this.view(window, now)),
    };
  }

  history(participantId: string, limit: number): { participantId: string; attempts: AttemptRecord[]; windows: WindowView[]; escalations: EscalationRecord[] } {
    this.participant(participantId);
    this.deleteExpiredPersonalData();
    const now = this.clock.now();
    const history = this.store.history(participantId, limit);
    return { participantId, attempts: history.attempts, windows: history.windows.map((window) => this.view(window, now)), escalations: history.escalations };
  }

  private participant(participantId: string, field = 'params.id'): ParticipantRecord {
    const participant = this.store.participant(participantId);
    if (participant === undefined) throw participantNotEnrolled(participantId, field);
    return participant;
  }

  private view(window: WindowRecord, now: number): WindowView {
    return windowView(window, now, this.settings.policy.maxAttempts);
  }
}

function unitVector(values: number[], field: string): Float64Array {
  let sumOfSquares = 0;
  for (const value of values) sumOfSquares += value * value;
  const norm = Math.sqrt(sumOfSquares);
  if (Math.abs(norm - 1) > UNIT_NORM_TOLERANCE) {
    throw new ServerError('SRV_ERR_VALIDATION', `expected a unit vector (norm 1 ± ${UNIT_NORM_TOLERANCE}), got norm ${norm.toPrecision(6)}`, field);
  }
  return Float64Array.from(values);
}
