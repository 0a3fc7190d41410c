import { randomBytes } from 'node:crypto';
import { MinHeap } from '../../scenarios/common/min-heap.ts';
import type { PersonalRecord } from '../personal-record.ts';
import { AttemptTable } from './attempt-table.ts';
import {
  compareDue,
  copyWindow,
  type EscalationRecord,
  type PersonalDataDeleted,
  type ParticipantHistory,
  type ParticipantRecord,
  type Store,
  type StoreCounts,
  type WindowClosure,
  type WindowRecord,
} from './store.ts';

interface ParticipantState {
  record: ParticipantRecord;
  /** Insertion order is opening order. */
  windows: Map<string, WindowRecord>;
  /** Attempt id → row of the attempt table. */
  attempts: Map<string, number>;
  escalations: EscalationRecord[];
  /** Personal record and the retention instant retention counts from; absent when nothing personal is held. */
  personal?: { record: PersonalRecord | undefined; activeUntil: number } | undefined;
}

/**
 * The default store: everything in maps, gone when the process ends. Reads return copies, as the
 * SQLite store's do, so no caller can change a record behind the store's back. Unclosed windows also sit in a
 * heap ordered by close time, so closing due windows costs O(log n) each whatever the fleet size.
 * Attempts with a location or device model sit in a queue in check-in order (the clock never runs
 * backwards), so expired ones are cleared from its front; participants with personal data sit in a
 * heap by the instant their retention counts from, re-queued when a later window moved it on.
 */
export function createMemoryStore(): Store {
  // Long on purpose: the Store's methods close over the maps, heaps and queue declared here, a few lines each.
  const secret = randomBytes(32);
  const participants = new Map<string, ParticipantState>();
  const due = new MinHeap<WindowRecord>(compareDue);
  const attempts = new AttemptTable();
  // Rows of attempts with a location or device model, in check-in order.
  const located: number[] = [];
  let locatedHead = 0;
  let locationPoints = 0;
  const personalDue = new MinHeap<{ participantId: string; activeUntil: number }>((a, b) => a.activeUntil - b.activeUntil);
  let personalRecords = 0;
  let retentionOffset = 0;
  let newestInstant = 0;
  let openWindows = 0;
  let changes = 0;

  // A check-in asks for its participant three times (templates, window, insertAttempt), with the same
  // id string: the last one found answers the next two without a map lookup. Participants are never
  // removed, so it cannot go stale.
  let recent: ParticipantState | undefined;
  const find = (participantId: string): ParticipantState | undefined => {
    if (recent !== undefined && recent.record.participantId === participantId) return recent;
    const state = participants.get(participantId);
    if (state !== undefined) recent = state;
    return state;
  };

  const stateOf = (participantId: string): ParticipantState => {
    const state = find(participantId);
    if (state === undefined) throw new Error(`store: participant ${participantId} is not enrolled`);
    return state;
  };

  return {
    kind: 'memory',
    tokenSecret: () => secret,

    insertParticipants(records) {
      const seen = new Set<string>();
      const duplicate = records.findIndex((record) => {
        if (participants.has(record.participantId) || seen.has(record.participantId)) return true;
        seen.add(record.participantId);
        return false;
      });
      if (duplicate >= 0) return duplicate;
      for (const { personalRecord, ...record } of records) {
        const state: ParticipantState = { record, windows: new Map(), attempts: new Map(), escalations: [] };
        if (personalRecord !== undefined || record.timeZone !== undefined) {
          state.personal = { record: personalRecord === undefined ? undefined : structuredClone(personalRecord), activeUntil: record.enrolledAt + retentionOffset };
          personalDue.push({ participantId: record.participantId, activeUntil: state.personal.activeUntil });
          if (personalRecord !== undefined) personalRecords++;
        }
        participants.set(record.participantId, state);
        newestInstant = Math.max(newestInstant, record.enrolledAt + retentionOffset);
      }
      changes += records.length;
      return -1;
    },

    participant(participantId) {
      const record = participants.get(participantId)?.record;
      return record === undefined ? undefined : { ...record };
    },

    templates(participantId) {
      return find(participantId)?.record;
    },

    insertWindows(records) {
      for (const record of records) {
        const stored = { ...record };
        const state = stateOf(record.participantId);
        state.windows.set(record.windowId, stored);
        due.push(stored);
        if (state.personal !== undefined) state.personal.activeUntil = Math.max(state.personal.activeUntil, record.closesAt + retentionOffset);
      }
      openWindows += records.length;
      changes += records.length;
    },

    window(participantId, windowId) {
      const window = find(participantId)?.windows.get(windowId);
      return window === undefined ? undefined : copyWindow(window);
    },

    unclosedWindows(participantId) {
      const windows = participants.get(participantId)?.windows;
      return windows === undefined ? [] : [...windows.values()].filter((window) => window.verdict === undefined).map(copyWindow);
    },

    attempt(participantId, attemptId) {
      const row = participants.get(participantId)?.attempts.get(attemptId);
      return row === undefined ? undefined : attempts.read(row);
    },

    insertAttempt(record) {
      const state = stateOf(record.participantId);
      if (state.attempts.has(record.attemptId)) return false;
      const window = state.windows.get(record.windowId);
      if (window === undefined) throw new Error(`store: window ${record.windowId} does not exist`);
      const row = attempts.insert(record, state.record.participantId, window.windowId);
      state.attempts.set(record.attemptId, row);
      window.attemptsUsed++;
      if (record.judgement === 'match') window.matched = true;
      if (record.location !== undefined || record.device !== undefined) located.push(row);
      if (record.location !== undefined) locationPoints++;
      newestInstant = Math.max(newestInstant, record.at + retentionOffset);
      changes++;
      return true;
    },

    closeDueWindows(now, limit, decide) {
      const closed: WindowRecord[] = [];
      while (closed.length < limit && (due.peek()?.closesAt ?? Infinity) < now) {
        const window = due.pop()!;
        const state = stateOf(window.participantId);
        const closure: WindowClosure = decide(window, state.record.failedStreak);
        window.verdict = closure.verdict;
        window.reason = closure.reason;
        window.closedAt = now;
        state.record.failedStreak = closure.failedStreak;
        if (closure.escalationReason !== undefined) {
          state.record.escalations++;
          state.escalations.push({ participantId: window.participantId, windowId: window.windowId, at: now, reason: closure.escalationReason });
        }
        openWindows--;
        changes++;
        closed.push({ ...window });
      }
      return closed;
    },

    history(participantId, limit): ParticipantHistory {
      const state = participants.get(participantId);
      if (state === undefined) return { attempts: [], windows: [], escalations: [] };
      return {
        attempts: [...state.attempts.values()].slice(-limit).map((row) => attempts.read(row)),
        windows: [...state.windows.values()].slice(-limit).map((window) => ({ ...window })),
        escalations: state.escalations.slice(-limit).map((escalation) => ({ ...escalation })),
      };
    },

    beginRetentionEpoch(virtualNow) {
      retentionOffset = Math.max(0, newestInstant - virtualNow);
      return retentionOffset;
    },

    noteRetentionInstant(instant) {
      newestInstant = Math.max(newestInstant, instant);
    },

    personalRecord(participantId) {
      const personal = participants.get(participantId)?.personal;
      return personal?.record === undefined ? undefined : { record: structuredClone(personal.record), activeUntil: personal.activeUntil };
    },

    deletePersonalDataBefore(cutoffs): PersonalDataDeleted {
      const deleted: PersonalDataDeleted = { locations: 0, devices: 0, personalRecords: 0, timeZones: 0 };
      const checkInCutoff = cutoffs.checkIns - retentionOffset;
      while (locatedHead < located.length && attempts.timeOf(located[locatedHead]!) < checkInCutoff) {
        const held = attempts.clearPersonalData(located[locatedHead]!);
        if (held.location) deleted.locations++;
        if (held.device) deleted.devices++;
        locatedHead++;
      }
      if (locatedHead > 4096 && locatedHead * 2 > located.length) {
        located.splice(0, locatedHead);
        locatedHead = 0;
      }
      locationPoints -= deleted.locations;
      while ((personalDue.peek()?.activeUntil ?? Infinity) < cutoffs.participants) {
        const { participantId } = personalDue.pop()!;
        const state = participants.get(participantId)!;
        const personal = state.personal!;
        if (personal.activeUntil >= cutoffs.participants) {
          personalDue.push({ participantId, activeUntil: personal.activeUntil });
          continue;
        }
        if (personal.record !== undefined) deleted.personalRecords++;
        if (state.record.timeZone !== undefined) deleted.timeZones++;
        state.personal = undefined;
        state.record.timeZone = undefined;
      }
      personalRecords -= deleted.personalRecords;
      changes += deleted.locations + deleted.devices + deleted.personalRecords + deleted.timeZones;
      return deleted;
    },

    counts: (): StoreCounts => ({ participants: participants.size, openWindows, locationPoints, personalRecords }),
    changeCount: () => changes,
    flush: () => undefined,
    close() {},
  };
}
