import { randomBytes } from 'node:crypto';
import { MinHeap } from './min-heap.ts';
import {
  compareDue,
  type AttemptRecord,
  type EscalationRecord,
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
  attempts: Map<string, AttemptRecord>;
  escalations: EscalationRecord[];
}

/**
 * The default store: everything in maps, gone when the process ends. Reads return copies, as the
 * SQLite store's do, so no caller can change a record behind the store's back. Unclosed windows also sit in a
 * heap ordered by close time, so closing due windows costs O(log n) each whatever the fleet size.
 * Attempts with a location sit in a queue in check-in order (the clock never runs backwards), so
 * expired locations are deleted from its front.
 */
export function createMemoryStore(): Store {
  const secret = randomBytes(32);
  const participants = new Map<string, ParticipantState>();
  const due = new MinHeap<WindowRecord>(compareDue);
  const located: AttemptRecord[] = [];
  let locatedHead = 0;
  let openWindows = 0;
  let changes = 0;

  const stateOf = (participantId: string): ParticipantState => {
    const state = participants.get(participantId);
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
      for (const record of records) {
        participants.set(record.participantId, { record: { ...record }, windows: new Map(), attempts: new Map(), escalations: [] });
      }
      changes += records.length;
      return -1;
    },

    participant(participantId) {
      const record = participants.get(participantId)?.record;
      return record === undefined ? undefined : { ...record };
    },

    insertWindows(records) {
      for (const record of records) {
        const stored = { ...record };
        stateOf(record.participantId).windows.set(record.windowId, stored);
        due.push(stored);
      }
      openWindows += records.length;
      changes += records.length;
    },

    window(participantId, windowId) {
      const window = participants.get(participantId)?.windows.get(windowId);
      return window === undefined ? undefined : { ...window };
    },

    unclosedWindows(participantId) {
      const windows = participants.get(participantId)?.windows;
      return windows === undefined ? [] : [...windows.values()].filter((window) => window.verdict === undefined).map((window) => ({ ...window }));
    },

    attempt(participantId, attemptId) {
      const attempt = participants.get(participantId)?.attempts.get(attemptId);
      return attempt === undefined ? undefined : { ...attempt };
    },

    insertAttempt(record) {
      const state = stateOf(record.participantId);
      const window = state.windows.get(record.windowId);
      if (window === undefined) throw new Error(`store: window ${record.windowId} does not exist`);
      const stored = { ...record };
      state.attempts.set(record.attemptId, stored);
      window.attemptsUsed++;
      if (record.judgement === 'match') window.matched = true;
      if (stored.location !== undefined) located.push(stored);
      changes++;
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
        attempts: [...state.attempts.values()].slice(-limit).map((attempt) => ({ ...attempt })),
        windows: [...state.windows.values()].slice(-limit).map((window) => ({ ...window })),
        escalations: state.escalations.slice(-limit).map((escalation) => ({ ...escalation })),
      };
    },

    deleteLocationsBefore(cutoff) {
      const start = locatedHead;
      while (locatedHead < located.length && located[locatedHead]!.at < cutoff) {
        located[locatedHead]!.location = undefined;
        locatedHead++;
      }
      const deleted = locatedHead - start;
      if (locatedHead > 4096 && locatedHead * 2 > located.length) {
        located.splice(0, locatedHead);
        locatedHead = 0;
      }
      changes += deleted;
      return deleted;
    },

    counts: (): StoreCounts => ({ participants: participants.size, openWindows, locationPoints: located.length - locatedHead }),
    changeCount: () => changes,
    flush: () => undefined,
    close() {},
  };
}
