import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { GroupCommit } from './group-commit.ts';
import type {
  AttemptRecord,
  EnrolledTemplates,
  EscalationRecord,
  ParticipantRecord,
  PersonalDataDeleted,
  Store,
  WindowClosure,
  WindowRecord,
} from './store.ts';
import type { PersonalRecord } from '../personal-record.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS participants (
  participant_id TEXT PRIMARY KEY, template BLOB NOT NULL, voice_template BLOB, time_zone TEXT,
  enrolled_at INTEGER NOT NULL, failed_streak INTEGER NOT NULL, escalations INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS windows (
  participant_id TEXT NOT NULL, window_id TEXT NOT NULL, kind TEXT NOT NULL, opened_at INTEGER NOT NULL,
  closes_at INTEGER NOT NULL, attempts_used INTEGER NOT NULL, matched INTEGER NOT NULL,
  verdict TEXT, reason TEXT, closed_at INTEGER, seq INTEGER NOT NULL,
  PRIMARY KEY (participant_id, window_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS windows_due ON windows (closes_at, participant_id, opened_at, window_id) WHERE verdict IS NULL;
CREATE TABLE IF NOT EXISTS attempts (
  participant_id TEXT NOT NULL, attempt_id TEXT NOT NULL, window_id TEXT NOT NULL, modality TEXT NOT NULL,
  at INTEGER NOT NULL, attempt_number INTEGER NOT NULL, judgement TEXT NOT NULL, similarity REAL NOT NULL,
  liveness_score REAL NOT NULL, reason TEXT NOT NULL, lat REAL, lon REAL, device TEXT, poor_light INTEGER,
  call_direction TEXT, call_duration_s REAL, seq INTEGER NOT NULL, fingerprint BLOB,
  PRIMARY KEY (participant_id, attempt_id)
) WITHOUT ROWID;
DROP INDEX IF EXISTS attempts_located;
CREATE INDEX IF NOT EXISTS attempts_personal ON attempts (at) WHERE lat IS NOT NULL OR device IS NOT NULL;
CREATE TABLE IF NOT EXISTS personal_data (participant_id TEXT PRIMARY KEY, record TEXT, active_until INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS personal_data_due ON personal_data (active_until);
CREATE TABLE IF NOT EXISTS escalations (participant_id TEXT NOT NULL, window_id TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS escalations_of ON escalations (participant_id);
`;

interface ParticipantRow {
  participant_id: string;
  template: Buffer;
  voice_template: Buffer | null;
  time_zone: string | null;
  enrolled_at: number;
  failed_streak: number;
  escalations: number;
}

interface WindowRow {
  participant_id: string;
  window_id: string;
  kind: WindowRecord['kind'];
  opened_at: number;
  closes_at: number;
  attempts_used: number;
  matched: number;
  verdict: WindowRecord['verdict'] | null;
  reason: string | null;
  closed_at: number | null;
}

interface AttemptRow {
  participant_id: string;
  attempt_id: string;
  window_id: string;
  modality: AttemptRecord['modality'];
  at: number;
  attempt_number: number;
  judgement: AttemptRecord['judgement'];
  similarity: number;
  liveness_score: number;
  reason: string;
  lat: number | null;
  lon: number | null;
  device: string | null;
  poor_light: number | null;
  call_direction: AttemptRecord['callDirection'] | null;
  call_duration_s: number | null;
  fingerprint: Buffer | null;
}

/**
 * The durable store: better-sqlite3 in WAL mode with prepared statements. Writes of one event-loop
 * turn commit together (group-commit.ts) before any response goes out, so a check-in the server
 * acknowledged survives kill -9. Counts are kept in memory, so scrapes cost nothing.
 * Attempts and windows are WITHOUT ROWID tables keyed as they are looked up, so recording a check-in
 * touches two B-trees; `seq` columns keep the order things happened in, for history. Participants
 * keep a rowid: their rows carry kilobyte templates, which WITHOUT ROWID tables store poorly.
 *
 * Personal data: a participant's personal record (JSON) sits in `personal_data` with the retention
 * instant its retention counts from (enrolment, then each window's close); a row exists while the
 * participant has a record or a time zone, and goes with both at the end of retention. Check-ins'
 * locations and device models are cleared in place, found by a partial index on `at`. The retention
 * clock's newest instant is kept in `meta`, written with the first write of each group commit, and
 * each run whose retention clock had to be moved ahead of its virtual clock is an epoch (from
 * attempt `seq`, offset) so that check-in times of every run are compared on the same clock.
 */
/** Templates kept in memory: about 1 KiB each at 128 dimensions. */
const TEMPLATE_CACHE_SIZE = 20_000;

export function createSqliteStore(file: string, synchronous: 'normal' | 'full'): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536'); // KiB: keeps the hot pages of a large fleet in memory
  db.exec(SCHEMA);
  migrateAttemptFingerprints(db);

  const secret = loadOrCreateSecret(db);
  migratePersonalData(db);
  const count = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;
  let participantCount = 0;
  let openWindows = 0;
  let locationPoints = 0;
  let personalRecords = 0;
  let windowSeq = 0;
  let attemptSeq = 0;
  const recount = () => {
    participantCount = count('SELECT count(*) FROM participants');
    openWindows = count('SELECT count(*) FROM windows WHERE verdict IS NULL');
    locationPoints = count('SELECT count(*) FROM attempts WHERE lat IS NOT NULL');
    personalRecords = count('SELECT count(*) FROM personal_data WHERE record IS NOT NULL');
    windowSeq = count('SELECT coalesce(max(seq), 0) FROM windows');
    attemptSeq = count('SELECT coalesce(max(seq), 0) FROM attempts');
  };
  // Templates never change once enrolled, and every check-in reads one: the most recently used stay in memory.
  const templateCache = new Map<string, EnrolledTemplates>();
  recount();
  const group = new GroupCommit(db, () => {
    templateCache.clear();
    recount();
  });

  const statements = {
    participantExists: db.prepare('SELECT 1 FROM participants WHERE participant_id = ?').pluck(),
    insertParticipant: db.prepare(
      'INSERT INTO participants VALUES (@participantId, @template, @voiceTemplate, @timeZone, @enrolledAt, @failedStreak, @escalations)',
    ),
    participant: db.prepare<[string], ParticipantRow>('SELECT * FROM participants WHERE participant_id = ?'),
    templates: db.prepare<[string], Pick<ParticipantRow, 'template' | 'voice_template'>>('SELECT template, voice_template FROM participants WHERE participant_id = ?'),
    streak: db.prepare<[string], number>('SELECT failed_streak FROM participants WHERE participant_id = ?').pluck(),
    updateStreak: db.prepare('UPDATE participants SET failed_streak = ?, escalations = escalations + ? WHERE participant_id = ?'),
    insertWindow: db.prepare(
      'INSERT INTO windows VALUES (@participantId, @windowId, @kind, @openedAt, @closesAt, @attemptsUsed, @matched, NULL, NULL, NULL, @seq)',
    ),
    window: db.prepare<[string, string], WindowRow>('SELECT * FROM windows WHERE participant_id = ? AND window_id = ?'),
    unclosedWindows: db.prepare<[string], WindowRow>('SELECT * FROM windows WHERE participant_id = ? AND verdict IS NULL ORDER BY seq'),
    countAttempt: db.prepare('UPDATE windows SET attempts_used = attempts_used + 1, matched = matched | ? WHERE participant_id = ? AND window_id = ?'),
    attempt: db.prepare<[string, string], AttemptRow>('SELECT * FROM attempts WHERE participant_id = ? AND attempt_id = ?'),
    insertAttempt: db.prepare(
      `INSERT INTO attempts VALUES (@participantId, @attemptId, @windowId, @modality, @at, @attemptNumber, @judgement, @similarity,
       @livenessScore, @reason, @lat, @lon, @device, @poorLight, @callDirection, @callDurationSeconds, @seq, @fingerprint)`,
    ),
    dueWindows: db.prepare<[number, number], WindowRow>(
      'SELECT * FROM windows WHERE verdict IS NULL AND closes_at < ? ORDER BY closes_at, participant_id, opened_at, window_id LIMIT ?',
    ),
    closeWindow: db.prepare('UPDATE windows SET verdict = ?, reason = ?, closed_at = ? WHERE participant_id = ? AND window_id = ?'),
    insertEscalation: db.prepare('INSERT INTO escalations VALUES (?, ?, ?, ?)'),
    attemptsOf: db.prepare<[string, number], AttemptRow>('SELECT * FROM (SELECT * FROM attempts WHERE participant_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq'),
    windowsOf: db.prepare<[string, number], WindowRow>('SELECT * FROM (SELECT * FROM windows WHERE participant_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq'),
    escalationsOf: db.prepare<[string, number], EscalationRecord & { r: number }>(
      'SELECT * FROM (SELECT rowid AS r, participant_id AS participantId, window_id AS windowId, at, reason FROM escalations WHERE participant_id = ? ORDER BY rowid DESC LIMIT ?) ORDER BY r',
    ),
    insertPersonal: db.prepare('INSERT INTO personal_data VALUES (?, ?, ?)'),
    personalRecord: db.prepare<[string], { record: string; active_until: number }>('SELECT record, active_until FROM personal_data WHERE participant_id = ? AND record IS NOT NULL'),
    extendActivity: db.prepare('UPDATE personal_data SET active_until = max(active_until, ?) WHERE participant_id = ?'),
    expiredRecords: db.prepare<[number], number>('SELECT count(record) FROM personal_data WHERE active_until < ?').pluck(),
    clearTimeZones: db.prepare(
      'UPDATE participants SET time_zone = NULL WHERE time_zone IS NOT NULL AND participant_id IN (SELECT participant_id FROM personal_data WHERE active_until < ?)',
    ),
    deletePersonal: db.prepare('DELETE FROM personal_data WHERE active_until < ?'),
    expiredCheckIns: db.prepare<[number, number, number], { locations: number; devices: number }>(
      'SELECT count(lat) AS locations, count(device) AS devices FROM attempts WHERE (lat IS NOT NULL OR device IS NOT NULL) AND at < ? AND seq >= ? AND seq < ?',
    ),
    clearCheckIns: db.prepare('UPDATE attempts SET lat = NULL, lon = NULL, device = NULL WHERE (lat IS NOT NULL OR device IS NOT NULL) AND at < ? AND seq >= ? AND seq < ?'),
    setMeta: db.prepare('INSERT OR REPLACE INTO meta VALUES (?, ?)'),
    totalChanges: db.prepare('SELECT total_changes()').pluck(),
  };

  // The retention clock: this run's offset, the runs before it (epochs), the newest instant seen.
  let retentionOffset = 0;
  const epochs = JSON.parse(String(readMeta(db, 'retention-epochs') ?? '[]')) as { fromSeq: number; offset: number }[];
  let newestInstant = Number(readMeta(db, 'retention-newest') ?? 0);
  let persistedWith: Promise<void> | undefined;
  /** Called inside a write: notes a retention instant, persisted once per group commit. */
  const noteInstant = (instant: number) => {
    if (instant <= newestInstant) return;
    newestInstant = instant;
    const batch = group.flush();
    if (batch === persistedWith) return;
    persistedWith = batch;
    statements.setMeta.run('retention-newest', newestInstant);
  };

  const insertParticipants = db.transaction((records: readonly ParticipantRecord[]): number => {
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
        statements.insertPersonal.run(record.participantId, record.personalRecord === undefined ? null : JSON.stringify(record.personalRecord), record.enrolledAt + retentionOffset);
      }
      noteInstant(record.enrolledAt + retentionOffset);
    }
    return -1;
  });

  const insertWindows = db.transaction((records: readonly WindowRecord[]) => {
    const lastClose = new Map<string, number>();
    for (const record of records) {
      statements.insertWindow.run({ ...record, matched: Number(record.matched), seq: ++windowSeq });
      lastClose.set(record.participantId, Math.max(lastClose.get(record.participantId) ?? 0, record.closesAt));
    }
    for (const [participantId, closesAt] of lastClose) statements.extendActivity.run(closesAt + retentionOffset, participantId);
  });

  const deletePersonalData = db.transaction((checkIns: number, participants: number): PersonalDataDeleted => {
    const deleted: PersonalDataDeleted = { locations: 0, devices: 0, personalRecords: 0, timeZones: 0 };
    // Each epoch's check-in times are its own virtual clock's: compare them with the cutoff less its offset.
    const spans = [{ fromSeq: 0, offset: 0 }, ...epochs];
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
  });

  const insertAttempt = db.transaction((record: AttemptRecord, seq: number) => {
    statements.insertAttempt.run({
      seq,
      participantId: record.participantId,
      attemptId: record.attemptId,
      windowId: record.windowId,
      modality: record.modality,
      at: record.at,
      attemptNumber: record.attemptNumber,
      judgement: record.judgement,
      similarity: record.similarity,
      livenessScore: record.livenessScore,
      reason: record.reason,
      lat: record.location?.lat ?? null,
      lon: record.location?.lon ?? null,
      device: record.device ?? null,
      poorLight: record.poorLight === undefined ? null : Number(record.poorLight),
      callDirection: record.callDirection ?? null,
      callDurationSeconds: record.callDurationSeconds ?? null,
      fingerprint: record.fingerprint ?? null,
    });
    statements.countAttempt.run(record.judgement === 'match' ? 1 : 0, record.participantId, record.windowId);
  });

  const closeDue = db.transaction((now: number, limit: number, decide: (window: WindowRecord, failedStreak: number) => WindowClosure) => {
    const closed: WindowRecord[] = [];
    for (const row of statements.dueWindows.all(now, limit)) {
      const window = toWindow(row);
      const closure = decide(window, statements.streak.get(window.participantId) ?? 0);
      statements.closeWindow.run(closure.verdict, closure.reason, now, window.participantId, window.windowId);
      const escalated = closure.escalationReason !== undefined;
      statements.updateStreak.run(closure.failedStreak, escalated ? 1 : 0, window.participantId);
      if (escalated) statements.insertEscalation.run(window.participantId, window.windowId, now, closure.escalationReason);
      closed.push({ ...window, verdict: closure.verdict, reason: closure.reason, closedAt: now });
    }
    return closed;
  });

  return {
    kind: 'sqlite',
    tokenSecret: () => secret,

    insertParticipants(records) {
      const duplicate = group.write(() => insertParticipants(records));
      if (duplicate < 0) {
        participantCount += records.length;
        for (const record of records) if (record.personalRecord !== undefined) personalRecords++;
      }
      return duplicate;
    },

    participant(participantId) {
      const row = statements.participant.get(participantId);
      return row === undefined ? undefined : toParticipant(row);
    },

    templates(participantId) {
      let templates = templateCache.get(participantId);
      if (templates !== undefined) {
        templateCache.delete(participantId);
      } else {
        const row = statements.templates.get(participantId);
        if (row === undefined) return undefined;
        templates = { template: blobToVector(row.template), voiceTemplate: row.voice_template === null ? undefined : blobToVector(row.voice_template) };
        if (templateCache.size >= TEMPLATE_CACHE_SIZE) templateCache.delete(templateCache.keys().next().value!);
      }
      templateCache.set(participantId, templates);
      return templates;
    },

    insertWindows(records) {
      group.write(() => insertWindows(records));
      openWindows += records.length;
    },

    window(participantId, windowId) {
      const row = statements.window.get(participantId, windowId);
      return row === undefined ? undefined : toWindow(row);
    },

    unclosedWindows: (participantId) => statements.unclosedWindows.all(participantId).map(toWindow),

    attempt(participantId, attemptId) {
      const row = statements.attempt.get(participantId, attemptId);
      return row === undefined ? undefined : toAttempt(row);
    },

    insertAttempt(record) {
      group.write(() => {
        insertAttempt(record, ++attemptSeq);
        noteInstant(record.at + retentionOffset);
      });
      if (record.location !== undefined) locationPoints++;
    },

    closeDueWindows(now, limit, decide) {
      const closed = group.write(() => {
        noteInstant(now + retentionOffset);
        return closeDue(now, limit, decide);
      });
      openWindows -= closed.length;
      return closed;
    },

    history(participantId, limit) {
      return {
        attempts: statements.attemptsOf.all(participantId, limit).map(toAttempt),
        windows: statements.windowsOf.all(participantId, limit).map(toWindow),
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
      const deleted = group.write(() => deletePersonalData(cutoffs.checkIns, cutoffs.participants));
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

function loadOrCreateSecret(db: Database.Database): Buffer {
  const existing = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get('token-secret') as Buffer | undefined;
  if (existing !== undefined) return existing;
  const secret = randomBytes(32);
  db.prepare('INSERT INTO meta VALUES (?, ?)').run('token-secret', secret);
  return secret;
}

function readMeta(db: Database.Database, key: string): unknown {
  return db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key);
}

/**
 * Databases written before personal data had its own table kept time zones forever: give each such
 * participant a row, retention counting from its last window's close (or its enrolment). Once.
 */
function migratePersonalData(db: Database.Database): void {
  if (readMeta(db, 'personal-data') !== undefined) return;
  db.transaction(() => {
    db.exec(`INSERT OR IGNORE INTO personal_data
      SELECT p.participant_id, NULL, max(p.enrolled_at, coalesce((SELECT max(w.closes_at) FROM windows w WHERE w.participant_id = p.participant_id), 0))
      FROM participants p WHERE p.time_zone IS NOT NULL`);
    db.prepare('INSERT INTO meta VALUES (?, ?)').run('personal-data', 1);
  })();
}

/**
 * Databases written before attempts kept their request's fingerprint get the column, empty for the
 * attempts already there (those replay on window and modality alone, as they did). Adding a nullable
 * column is a change of the schema only: it rewrites no row, so it is as quick on a large file.
 */
function migrateAttemptFingerprints(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('attempts')").all();
  if (!columns.some((column) => column.name === 'fingerprint')) db.exec('ALTER TABLE attempts ADD COLUMN fingerprint BLOB');
}

function vectorToBlob(vector: Float64Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

function blobToVector(blob: Buffer): Float64Array {
  // A Float64Array view needs an 8-byte aligned offset; copy when the driver's buffer is not.
  const aligned = blob.byteOffset % 8 === 0 ? blob : Buffer.from(blob);
  return new Float64Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 8);
}

function toParticipant(row: ParticipantRow): ParticipantRecord {
  return {
    participantId: row.participant_id,
    template: blobToVector(row.template),
    voiceTemplate: row.voice_template === null ? undefined : blobToVector(row.voice_template),
    timeZone: row.time_zone ?? undefined,
    enrolledAt: row.enrolled_at,
    failedStreak: row.failed_streak,
    escalations: row.escalations,
  };
}

function toWindow(row: WindowRow): WindowRecord {
  return {
    participantId: row.participant_id,
    windowId: row.window_id,
    kind: row.kind,
    openedAt: row.opened_at,
    closesAt: row.closes_at,
    attemptsUsed: row.attempts_used,
    matched: row.matched === 1,
    verdict: row.verdict ?? undefined,
    reason: row.reason ?? undefined,
    closedAt: row.closed_at ?? undefined,
  };
}

function toAttempt(row: AttemptRow): AttemptRecord {
  return {
    participantId: row.participant_id,
    attemptId: row.attempt_id,
    windowId: row.window_id,
    modality: row.modality,
    at: row.at,
    attemptNumber: row.attempt_number,
    judgement: row.judgement,
    similarity: row.similarity,
    livenessScore: row.liveness_score,
    reason: row.reason,
    location: row.lat === null || row.lon === null ? undefined : { lat: row.lat, lon: row.lon },
    device: row.device ?? undefined,
    poorLight: row.poor_light === null ? undefined : row.poor_light === 1,
    callDirection: row.call_direction ?? undefined,
    callDurationSeconds: row.call_duration_s ?? undefined,
    fingerprint: row.fingerprint ?? undefined,
  };
}
