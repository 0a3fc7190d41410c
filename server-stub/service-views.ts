import type { Verdict } from '../scenarios/vocabulary.ts';
import type { WindowKind } from './policy/index.ts';
import type { AttemptRecord, WindowRecord } from './store/store.ts';

/** What the service answers about windows and attempts, and the reasons it records with each decision. */

export interface WindowView {
  windowId: string;
  kind: WindowKind;
  state: 'pending' | 'open' | 'closing' | 'closed';
  openedAt: number;
  closesAt: number;
  attemptsUsed: number;
  attemptsLeft: number;
  matched: boolean;
  verdict?: Verdict | undefined;
  reason?: string | undefined;
}

/** What a check-in answers: the record's public fields, whether it was a replay, and the window now. */
export interface AttemptOutcome extends Pick<AttemptRecord, 'participantId' | 'attemptId' | 'windowId' | 'modality' | 'at' | 'attemptNumber' | 'judgement' | 'similarity' | 'reason'> {
  replayed: boolean;
  window: WindowView;
}

export function windowView(window: WindowRecord, now: number, maxAttempts: number): WindowView {
  const state = window.verdict !== undefined ? 'closed' : now < window.openedAt ? 'pending' : now > window.closesAt ? 'closing' : 'open';
  return {
    windowId: window.windowId,
    kind: window.kind,
    state,
    openedAt: window.openedAt,
    closesAt: window.closesAt,
    attemptsUsed: window.attemptsUsed,
    attemptsLeft: Math.max(0, maxAttempts - window.attemptsUsed),
    matched: window.matched,
    verdict: window.verdict,
    reason: window.reason,
  };
}

export function attemptOutcome(record: AttemptRecord, replayed: boolean, window: WindowView): AttemptOutcome {
  return {
    participantId: record.participantId,
    attemptId: record.attemptId,
    windowId: record.windowId,
    modality: record.modality,
    at: record.at,
    attemptNumber: record.attemptNumber,
    judgement: record.judgement,
    similarity: record.similarity,
    reason: record.reason,
    replayed,
    window,
  };
}

export function verdictReason(verdict: Verdict, window: WindowRecord): string {
  switch (verdict) {
    case 'verified':
      return `an attempt matched (${window.attemptsUsed} judged)`;
    case 'rejected':
      return `${window.attemptsUsed} attempt(s) judged, none matched`;
    case 'missed':
      return `no attempt judged before the window closed at ${window.closesAt}`;
  }
}
