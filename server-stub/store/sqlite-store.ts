import { GroupCommit } from './group-commit.ts';
import { attemptsHighWater, loadOrCreateSecret, migratePersonalData, openDatabase, readMeta } from './sqlite-schema.ts';
import { prepareStatements } from './sqlite-statements.ts';
import { prepareWrites } from './sqlite-writes.ts';
import { BoundedCache } from './bounded-cache.ts';
import { blobToVector, toAttempt, toParticipant, toWindow, type WindowRow } from './sqlite-rows.ts';
import { copyWindow, type EnrolledTemplates, type Store, type WindowRecord } from './store.ts';
import type { PersonalRecord } from '../personal-record.ts';

/**
 * The durable store: better-sqlite3 in WAL mode with prepared statements. Writes of one event-loop
 * turn commit together (group-commit.ts) before any response goes out, so a check-in the server
 * acknowledged survives kill -9. Counts are kept in memory, so scrapes cost nothing.
 * Windows are a WITHOUT ROWID table keyed as they are looked up. Attempts are kept in the order they
 * were recorded (a rowid table), with a unique index on (participant, attempt id) for look-ups and
 * idempotency: a check-in appends its row to the page the group's other check-ins append to, and puts
 * a small entry in the index, where a table clustered on that key put each whole row in a random page
 * (about twice the WAL frames per check-in, and a table too large for the page cache, read back again
 * and again). Recording a check-in writes nothing else: an open window's count is read from its attempts,
 * and written into its row when it closes (sqlite-statements.ts); `seq` columns keep the order things
 * happened in, for history. Participants keep a rowid: their rows carry kilobyte templates, which WITHOUT
 * ROWID tables store poorly.
 *
 * Personal data: a participant's personal record (JSON) sits in `personal_data` with the retention
 * instant its retention counts from (enrolment, then each window's close); a row exists while the
 * participant has a record or a time zone, and goes with both at the end of retention. Check-ins'
 * locations and device models are cleared in place, found by a partial index on `at`. The retention
 * clock's newest instant is what opening reads back: the newest of `meta` (written by the writes that
 * note a newer one, and at close) and of the check-ins, whose attempts carry theirs, so that a
 * check-in writes no more than its attempt. Each run whose
 * retention clock had to be moved ahead of its virtual clock is an epoch (from attempt `seq`,
 * offset) so that check-in times of every run are compared on the same clock.
 */
/** Templates kept in memory: about 1 KiB each at 128 dimensions. */
const TEMPLATE_CACHE_SIZE = 20_000;
/** Windows kept in memory: a few hundred bytes each. */
const WINDOW_CACHE_SIZE = 20_000;

export function createSqliteStore(file: string, synchronous: 'normal' | 'full'): Store {
  // Long on purpose: one closure over the counts, the template and window caches and the retention clock
  // that the Store's methods below read and update; each method is a few lines (statements, writes: sibling files).
  const db = openDatabase(file, synchronous);
  const secret = loadOrCreateSecret(db);
  migratePersonalData(db);
  const count = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;
  let participantCount = 0;
  let openWindows = 0;
  let locationPoints = 0;
  let personalRecords = 0;
  let windowSeq = 0;
  let attemptSeq = 0;
  // The retention clock: this run's offset, the runs before it (epochs), the newest instant seen.
  let retentionOffset = 0;
  const epochs = JSON.parse(String(readMeta(db, 'retention-epochs') ?? '[]')) as { fromSeq: number; offset: number }[];
  let newestInstant = Number(readMeta(db, 'retention-newest') ?? 0);
  const recount = () => {
    participantCount = count('SELECT count(*) FROM participants');
    openWindows = count('SELECT count(*) FROM windows WHERE verdict IS NULL');
    locationPoints = count('SELECT count(*) FROM attempts WHERE lat IS NOT NULL');
    personalRecords = count('SELECT count(*) FROM personal_data WHERE record IS NOT NULL');
    windowSeq = count('SELECT coalesce(max(seq), 0) FROM windows');
    const attempts = attemptsHighWater(db, epochs);
    attemptSeq = attempts.seq;
    newestInstant = Math.max(newestInstant, attempts.newestInstant);
  };
  // Templates never change once enrolled, and every check-in reads one: they stay in memory, from
  // their enrolment on, so that a participant's first check-in reads nothing from the file either.
  const templateCache = new BoundedCache<string, EnrolledTemplates>(TEMPLATE_CACHE_SIZE);
  // Every check-in reads its window and counts an attempt in it: windows stay in memory too, from
  // their opening on, as the store's writes leave them (only this connection writes), so a check-in
  // reads nothing from the file, the first in a window included.
  const windowCache = new BoundedCache<string, WindowRecord>(WINDOW_CACHE_SIZE);
  const windowKey = (participantId: string, windowId: string) => `${participantId}\u0000${windowId}`;
  recount();
  const group = new GroupCommit(db, () => {
    templateCache.clear();
    windowCache.clear();
    recount();
  });

  const statements = prepareStatements(db);

  /** Called inside a write other than a check-in's: notes a retention instant, written to `meta` when it is the newest. */
  const noteInstant = (instant: number) => {
    if (instant <= newestInstant) return;
    newestInstant = instant;
    statements.setMeta.run('retention-newest', newestInstant);
  };

  /** The window as the store's writes leave it, from memory or else from the file: the cached record itself, which insertAttempt counts in place. */
  const currentWindow = (participantId: string, windowId: string): WindowRecord | undefined => {
    const key = windowKey(participantId, windowId);
    let window = windowCache.get(key);
    if (window === undefined) {
      const row = statements.window.get(participantId, windowId);
      if (row === undefined) return undefined;
      window = toWindow(row);
      windowCache.set(key, window);
    }
    return window;
  };
  /** A window read from a row of several: a closed one as its row has it, an open one as currentWindow has it (its row keeps the counts it was opened with). */
  const windowOf = (row: WindowRow): WindowRecord => (row.verdict === null ? copyWindow(currentWindow(row.participant_id, row.window_id)!) : toWindow(row));

  const writes = prepareWrites(
    db,
    statements,
    {
      offset: () => retentionOffset,
      noteInstant,
      nextWindowSeq: () => ++windowSeq,
      epochs,
    },
    windowOf,
  );

  return {
    kind: 'sqlite',
    tokenSecret: () => secret,

    insertParticipants(records) {
      const duplicate = group.write(() => writes.insertParticipants(records));
      if (duplicate < 0) {
        participantCount += records.length;
        for (const record of records) {
          if (record.personalRecord !== undefined) personalRecords++;
          templateCache.set(record.participantId, { template: record.template, voiceTemplate: record.voiceTemplate });
        }
      }
      return duplicate;
    },

    participant(participantId) {
      const row = statements.participant.get(participantId);
      return row === undefined ? undefined : toParticipant(row);
    },

    templates(participantId) {
      const cached = templateCache.get(participantId);
      if (cached !== undefined) return cached;
      const row = statements.templates.get(participantId);
      if (row === undefined) return undefined;
      const templates = { template: blobToVector(row.template), voiceTemplate: row.voice_template === null ? undefined : blobToVector(row.voice_template) };
      templateCache.set(participantId, templates);
      return templates;
    },

    insertWindows(records) {
      group.write(() => writes.insertWindows(records));
      openWindows += records.length;
      for (const record of records) windowCache.set(windowKey(record.participantId, record.windowId), copyWindow(record));
    },

    window(participantId, windowId) {
      const window = currentWindow(participantId, windowId);
      // A copy: the cached record is counted in place (insertAttempt), and a caller may change what it gets.
      return window === undefined ? undefined : copyWindow(window);
    },

    unclosedWindows: (participantId) => statements.unclosedWindows.all(participantId).map(windowOf),

    attempt(participantId, attemptId) {
      const row = statements.attempt.get(participantId, attemptId);
      return row === undefined ? undefined : toAttempt(row);
    },

    insertAttempt(record) {
      if (!group.write(() => writes.insertAttempt(record, attemptSeq + 1))) return false;
      attemptSeq++;
      const window = windowCache.get(windowKey(record.participantId, record.windowId));
      if (window !== undefined) {
        window.attemptsUsed++;
        if (record.judgement === 'match') window.matched = true;
      }
      // Not written to `meta`: the attempt keeps it, and opening reads it back (attemptsHighWater).
      newestInstant = Math.max(newestInstant, record.at + retentionOffset);
      if (record.location !== undefined) locationPoints++;
      return true;
    },

    closeDueWindows(now, limit, decide) {
      const closed = group.write(() => {
        noteInstant(now + retentionOffset);
        return writes.closeDue(now, limit, decide);
      });
      openWindows -= closed.length;
      for (const window of closed) windowCache.delete(windowKey(window.participantId, window.windowId));
      return closed;
    },

    history(participantId, limit) {
      return {
        attempts: statements.attemptsOf.all(participantId, limit).map(toAttempt),
        windows: statements.windowsOf.all(participantId, limit).map(windowOf),
        escalations: statements.escalationsOf.all(participantId, limit).map(({ r: _r, ...escalation }) => escalation),
      };
    },

    beginRetentionEpoch(virtualNow) {
      retentionOffset = Math.max(0, newestInstant - virtualNow);
      if (retentionOffset !== (epochs.at(-1)?.offset ?? 0)) {
        epochs.push({ fromSeq: attemptSeq + 1, offset: retentionOffset });
        group.write(() => statements.setMeta.run('retention-epochs', JSON.stringify(epochs)));
      }
      return retentionOffset;
    },

    noteRetentionInstant(instant) {
      if (instant > newestInstant) group.write(() => noteInstant(instant));
    },

    personalRecord(participantId) {
      const row = statements.personalRecord.get(participantId);
      return row === undefined ? undefined : { record: JSON.parse(row.record) as PersonalRecord, activeUntil: row.active_until };
    },

    deletePersonalDataBefore(cutoffs) {
      const deleted = group.write(() => writes.deletePersonalData(cutoffs.checkIns, cutoffs.participants));
      locationPoints -= deleted.locations;
      personalRecords -= deleted.personalRecords;
      return deleted;
    },

    counts: () => ({ participants: participantCount, openWindows, locationPoints, personalRecords }),
    changeCount: () => statements.totalChanges.get() as number,
    flush: () => group.flush(),
    close() {
      group.commit();
      statements.setMeta.run('retention-newest', newestInstant);
      db.close();
    },
  };
}

