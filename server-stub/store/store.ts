import type { WindowKind } from '../policy/index.ts';
import type { Judgement, SampleModality, Verdict } from '../../scenarios/vocabulary.ts';
import type { PersonalRecord } from '../personal-record.ts';

/**
 * What the server keeps, and the one interface both stores implement. Methods are synchronous (as
 * better-sqlite3 is) and later reads see earlier writes at once; a write is durable once `flush()`
 * has resolved, and the server sends no response before that, so an acknowledged check-in is never lost.
 * No sample vector is ever stored; a location is stored only with its check-in, already coarsened.
 *
 * Personal data (a check-in's location and device model; a participant's personal record and time
 * zone) is deleted at the end of its retention, measured on the retention clock: virtual time plus
 * this run's `retentionOffset`, which a restart with an earlier clock start makes positive so that
 * retention never counts from an earlier instant than the newest the store has seen (clock.ts).
 */

export interface ParticipantRecord {
  participantId: string;
  template: Float64Array;
  voiceTemplate?: Float64Array | undefined;
  /** Personal data: deleted with the personal record. */
  timeZone?: string | undefined;
  /** Stored apart (store.personalRecord reads it): `participant()` never returns it. */
  personalRecord?: PersonalRecord | undefined;
  enrolledAt: number;
  /** Consecutive failed windows since the last verified one or escalation (policy: advanceStreak). */
  failedStreak: number;
  escalations: number;
}

export type EnrolledTemplates = Pick<ParticipantRecord, 'template' | 'voiceTemplate'>;

export interface WindowRecord {
  participantId: string;
  windowId: string;
  kind: WindowKind;
  openedAt: number;
  closesAt: number;
  attemptsUsed: number;
  matched: boolean;
  /** Set when the window is closed, with the reason for it. */
  verdict?: Verdict | undefined;
  reason?: string | undefined;
  closedAt?: number | undefined;
}

/**
 * A window as a literal of one shape, field by field: a spread (`{ ...window }`) of a stored record
 * takes V8's slow clone path, a few thousand instructions per check-in. Stores hand out these copies.
 */
export function copyWindow(window: WindowRecord): WindowRecord {
  return {
    participantId: window.participantId,
    windowId: window.windowId,
    kind: window.kind,
    openedAt: window.openedAt,
    closesAt: window.closesAt,
    attemptsUsed: window.attemptsUsed,
    matched: window.matched,
    verdict: window.verdict,
    reason: window.reason,
    closedAt: window.closedAt,
  };
}

export interface CoarseLocation {
  lat: number;
  lon: number;
}

export interface AttemptRecord {
  participantId: string;
  attemptId: string;
  windowId: string;
  modality: SampleModality;
  at: number;
  attemptNumber: number;
  judgement: Judgement;
  similarity: number;
  livenessScore: number;
  reason: string;
  location?: CoarseLocation | undefined;
  device?: string | undefined;
  poorLight?: boolean | undefined;
  callDirection?: 'inbound' | 'outbound' | undefined;
  callDurationSeconds?: number | undefined;
  /**
   * SHA-256 of the request's canonical form, in base64 (attempt-fingerprint.ts): a retry with the same attempt id
   * must match it. Absent on attempts a database recorded before fingerprints were kept.
   */
  fingerprint?: string | undefined;
}

export interface EscalationRecord {
  participantId: string;
  windowId: string;
  at: number;
  reason: string;
}

/** A closed window's outcome, decided by the policy for the store to apply. */
export interface WindowClosure {
  verdict: Verdict;
  reason: string;
  failedStreak: number;
  /** Present when the closure escalates the participant. */
  escalationReason?: string | undefined;
}

export interface ParticipantHistory {
  attempts: AttemptRecord[];
  windows: WindowRecord[];
  escalations: EscalationRecord[];
}

export interface StoreCounts {
  participants: number;
  openWindows: number;
  locationPoints: number;
  personalRecords: number;
}

/** A personal record as held, with the retention instant of the participant's last activity. */
interface HeldPersonalRecord {
  record: PersonalRecord;
  /** Retention time of the participant's latest enrolment or window close; retention counts from it. */
  activeUntil: number;
}

/** Retention-clock cutoffs of a purge: personal data older than these is deleted. */
interface RetentionCutoffs {
  /** Locations and device models of check-ins made before this. */
  checkIns: number;
  /** Personal records and time zones of participants whose last activity was before this. */
  participants: number;
}

/** What a purge deleted. */
export interface PersonalDataDeleted {
  locations: number;
  devices: number;
  personalRecords: number;
  timeZones: number;
}

export interface Store {
  readonly kind: 'memory' | 'sqlite';
  /** The HMAC key of participant tokens, created once and kept as long as the data. */
  tokenSecret(): Buffer;
  /** Inserts all or none: returns the index of the first id already enrolled, or -1 when all were inserted. */
  insertParticipants(records: readonly ParticipantRecord[]): number;
  participant(participantId: string): ParticipantRecord | undefined;
  /** The participant's enrolled templates (written once, at enrolment), as every check-in reads them. */
  templates(participantId: string): EnrolledTemplates | undefined;
  /** Inserts all the windows, atomically. */
  insertWindows(records: readonly WindowRecord[]): void;
  /** A copy of the window (copyWindow), the caller's to change. */
  window(participantId: string, windowId: string): WindowRecord | undefined;
  /** Windows without a verdict, in the order they were opened. */
  unclosedWindows(participantId: string): WindowRecord[];
  /** The participant's attempt with this id, in any window. */
  attempt(participantId: string, attemptId: string): AttemptRecord | undefined;
  /**
   * Records a judged attempt and counts it against its window, atomically; returns false, writing
   * nothing, when the participant already has an attempt with its id. The store may keep `record`
   * itself: the caller hands it over.
   */
  insertAttempt(record: AttemptRecord): boolean;
  /**
   * Closes up to `limit` windows whose close time is before `now`, in order of close time, atomically.
   * `decide` is called in that order with the participant's streak as it stands after earlier closures.
   */
  closeDueWindows(now: number, limit: number, decide: (window: WindowRecord, failedStreak: number) => WindowClosure): WindowRecord[];
  /** The latest `limit` attempts, windows and escalations of a participant, oldest first. */
  history(participantId: string, limit: number): ParticipantHistory;
  /**
   * Starts this run's retention epoch: returns the offset (≥ 0) to add to virtual time `virtualNow`
   * so that the retention clock is not behind the newest instant the store has seen, and keeps it
   * for the stamps written from now on. Called once, before any write.
   */
  beginRetentionEpoch(virtualNow: number): number;
  /** Notes a retention instant reached (the store persists the newest, as it does its writes). */
  noteRetentionInstant(instant: number): void;
  /** The participant's personal record, when one is held. */
  personalRecord(participantId: string): HeldPersonalRecord | undefined;
  /** Deletes personal data past retention (cutoffs on the retention clock); returns how much. */
  deletePersonalDataBefore(cutoffs: RetentionCutoffs): PersonalDataDeleted;
  counts(): StoreCounts;
  /** Grows with every write: equal before and after a request means the request changed nothing. */
  changeCount(): number;
  /** Resolves once every write made so far is durable; undefined when there is nothing to wait for. */
  flush(): Promise<void> | undefined;
  close(): void;
}

/** Heap and query order of windows due to close: close time, then participant, opening time and id. */
export function compareDue(a: WindowRecord, b: WindowRecord): number {
  return (
    a.closesAt - b.closesAt ||
    compareText(a.participantId, b.participantId) ||
    a.openedAt - b.openedAt ||
    compareText(a.windowId, b.windowId)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
