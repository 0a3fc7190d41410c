import type Database from 'better-sqlite3';
import type { Statements } from './sqlite-statements.ts';
import { vectorToBlob, type WindowRow } from './sqlite-rows.ts';
import type { AttemptRecord, ParticipantRecord, PersonalDataDeleted, WindowClosure, WindowRecord } from './store.ts';

/** What the sqlite store's writes read of its retention clock and window sequence (sqlite-store.ts). */
export interface WriteClock {
  /** This run's retention offset: the retention clock less the virtual clock. */
  offset(): number;
  /** Notes a retention instant, persisted once per group commit. */
  noteInstant(instant: number): void;
  /** The `seq` of the next window written. */
  nextWindowSeq(): number;
  /** The runs whose retention clock was moved ahead of their virtual clock, oldest first. */
  readonly epochs: readonly { fromSeq: number; offset: number }[];
}

/**
 * The sqlite store's multi-statement writes, each one transaction (a savepoint inside the group
 * commit's) except the check-in's, which the group commit alone keeps whole (group-commit.ts).
 */
export function prepareWrites(
  db: Database.Database,
  statements: Statements,
  clock: WriteClock,
  /** A window read from a row of several (sqlite-store.ts: an open one's counts are not in its row). */
  windowOf: (row: WindowRow) => WindowRecord,
) {
  // Long on purpose: a table of the five transactions, each a few lines.
  return {
    insertParticipants: db.transaction((records: readonly ParticipantRecord[]): number => {
      const seen = new Set<string>();
      for (const [index, record] of records.entries()) {
        if (seen.has(record.participantId) || statements.participantExists.get(record.participantId) !== undefined) return index;
        seen.add(record.participantId);
      }
      for (const record of records) {
        statements.insertParticipant.run({
          participantId: record.participantId,
          template: vectorToBlob(record.template),
          voiceTemplate: record.voiceTemplate === undefined ? null : vectorToBlob(record.voiceTemplate),
          timeZone: record.timeZone ?? null,
          enrolledAt: record.enrolledAt,
          failedStreak: record.failedStreak,
          escalations: record.escalations,
        });
        if (record.personalRecord !== undefined || record.timeZone !== undefined) {
          statements.insertPersonal.run(record.participantId, record.personalRecord === undefined ? null : JSON.stringify(record.personalRecord), record.enrolledAt + clock.offset());
        }
        clock.noteInstant(record.enrolledAt + clock.offset());
      }
      return -1;
    }),

    insertWindows: db.transaction((records: readonly WindowRecord[]) => {
      const lastClose = new Map<string, number>();
      for (const record of records) {
        statements.insertWindow.run({ ...record, matched: Number(record.matched), seq: clock.nextWindowSeq() });
        lastClose.set(record.participantId, Math.max(lastClose.get(record.participantId) ?? 0, record.closesAt));
      }
      for (const [participantId, closesAt] of lastClose) statements.extendActivity.run(closesAt + clock.offset(), participantId);
    }),

    deletePersonalData: db.transaction((checkIns: number, participants: number): PersonalDataDeleted => {
      const deleted: PersonalDataDeleted = { locations: 0, devices: 0, personalRecords: 0, timeZones: 0 };
      // Each epoch's check-in times are its own virtual clock's: compare them with the cutoff less its offset.
      const spans = [{ fromSeq: 0, offset: 0 }, ...clock.epochs];
      spans.forEach(({ fromSeq, offset }, index) => {
        const toSeq = spans[index + 1]?.fromSeq ?? Number.MAX_SAFE_INTEGER;
        const expired = statements.expiredCheckIns.get(checkIns - offset, fromSeq, toSeq)!;
        if (expired.locations + expired.devices === 0) return;
        statements.clearCheckIns.run(checkIns - offset, fromSeq, toSeq);
        deleted.locations += expired.locations;
        deleted.devices += expired.devices;
      });
      deleted.personalRecords = statements.expiredRecords.get(participants) ?? 0;
      deleted.timeZones = statements.clearTimeZones.run(participants).changes;
      statements.deletePersonal.run(participants);
      return deleted;
    }),

    /** False, writing nothing, when the participant already has an attempt with this id. */
    insertAttempt: (record: AttemptRecord, seq: number): boolean => {
      // In the order of the attempts table's columns (sqlite-schema.ts).
      const { changes } = statements.insertAttempt.run(
        record.participantId,
        record.attemptId,
        record.windowId,
        record.modality,
        record.at,
        record.attemptNumber,
        record.judgement,
        record.similarity,
        record.livenessScore,
        record.reason,
        record.location?.lat ?? null,
        record.location?.lon ?? null,
        record.device ?? null,
        record.poorLight === undefined ? null : Number(record.poorLight),
        record.callDirection ?? null,
        record.callDurationSeconds ?? null,
        seq,
        record.fingerprint === undefined ? null : Buffer.from(record.fingerprint, 'base64'),
      );
      // The window's count is its attempts' while it is open (sqlite-statements.ts): nothing more to write.
      return changes === 1;
    },

    closeDue: db.transaction((now: number, limit: number, decide: (window: WindowRecord, failedStreak: number) => WindowClosure) => {
      const closed: WindowRecord[] = [];
      for (const row of statements.dueWindows.all(now, limit)) {
        const window = windowOf(row);
        const closure = decide(window, statements.streak.get(window.participantId) ?? 0);
        statements.closeWindow.run(window.attemptsUsed, Number(window.matched), closure.verdict, closure.reason, now, window.participantId, window.windowId);
        const escalated = closure.escalationReason !== undefined;
        statements.updateStreak.run(closure.failedStreak, escalated ? 1 : 0, window.participantId);
        if (escalated) statements.insertEscalation.run(window.participantId, window.windowId, now, closure.escalationReason);
        closed.push({ ...window, verdict: closure.verdict, reason: closure.reason, closedAt: now });
      }
      return closed;
    }),
  };
}
