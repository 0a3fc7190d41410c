import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * The sqlite store's tables and indexes, created when missing, and the migrations of databases
 * written by earlier versions. See sqlite-store.ts for what the tables hold and why they are keyed so.
 */
const ATTEMPT_COLUMNS = `(
  participant_id TEXT NOT NULL, attempt_id TEXT NOT NULL, window_id TEXT NOT NULL, modality TEXT NOT NULL,
  at INTEGER NOT NULL, attempt_number INTEGER NOT NULL, judgement TEXT NOT NULL, similarity REAL NOT NULL,
  liveness_score REAL NOT NULL, reason TEXT NOT NULL, lat REAL, lon REAL, device TEXT, poor_light INTEGER,
  call_direction TEXT, call_duration_s REAL, seq INTEGER NOT NULL, fingerprint BLOB
)`;

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
CREATE TABLE IF NOT EXISTS attempts ${ATTEMPT_COLUMNS};
DROP INDEX IF EXISTS attempts_located;
CREATE TABLE IF NOT EXISTS personal_data (participant_id TEXT PRIMARY KEY, record TEXT, active_until INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS personal_data_due ON personal_data (active_until);
CREATE TABLE IF NOT EXISTS escalations (participant_id TEXT NOT NULL, window_id TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS escalations_of ON escalations (participant_id);
`;

/** Created after the migrations, so that a database being migrated builds them once, on its new attempts table. */
const ATTEMPT_INDEXES = `
CREATE UNIQUE INDEX IF NOT EXISTS attempts_key ON attempts (participant_id, attempt_id);
CREATE INDEX IF NOT EXISTS attempts_personal ON attempts (at) WHERE lat IS NOT NULL OR device IS NOT NULL;
`;

/**
 * Opens (creating when missing) the database file in WAL mode, with the tables of SCHEMA and the
 * migrations applied. The personal-data migration runs after the token secret is read or made, as it
 * always has: both write `meta`.
 */
export function openDatabase(file: string, synchronous: 'normal' | 'full'): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  // KiB, SQLite's own default. Every commit walks the whole page cache (pcache1TruncateUnsafe), so at
  // 64 MiB that walk was a tenth of a check-in's cost; a page outside the cache is read back from the
  // operating system's file cache instead, and templates are cached in sqlite-store.ts anyway.
  db.pragma('cache_size = -2000');
  // Pages: a checkpoint (which syncs the WAL and the database file) after about 40 MB of WAL rather than
  // SQLite's 4 MB, so that a page the check-ins rewrite again and again is copied back once per
  // checkpoint, not every few hundred commits. Durability is the same: see dbSynchronous.
  db.pragma('wal_autocheckpoint = 10000');
  db.exec(SCHEMA);
  migrateAttemptFingerprints(db);
  migrateAttemptsToRowidTable(db);
  db.exec(ATTEMPT_INDEXES);
  return db;
}

export function loadOrCreateSecret(db: Database.Database): Buffer {
  const existing = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get('token-secret') as Buffer | undefined;
  if (existing !== undefined) return existing;
  const secret = randomBytes(32);
  db.prepare('INSERT INTO meta VALUES (?, ?)').run('token-secret', secret);
  return secret;
}

export function readMeta(db: Database.Database, key: string): unknown {
  return db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key);
}

/**
 * What the attempts on disk say, in one pass over them: the highest `seq`, and the newest retention
 * instant of a check-in (its `at` plus the offset of the epoch its `seq` falls in; 0 when none).
 */
export function attemptsHighWater(db: Database.Database, epochs: readonly { fromSeq: number; offset: number }[]): { seq: number; newestInstant: number } {
  // The newest epoch first: a seq belongs to the last epoch that starts at or before it.
  const newestFirst = [...epochs].reverse();
  const offsetOfSeq = epochs.length === 0 ? '0' : `CASE ${newestFirst.map(() => 'WHEN seq >= ? THEN ?').join(' ')} ELSE 0 END`;
  const [seq, newestInstant] = db
    .prepare(`SELECT coalesce(max(seq), 0), coalesce(max(at + ${offsetOfSeq}), 0) FROM attempts`)
    .raw()
    .get(...newestFirst.flatMap(({ fromSeq, offset }) => [fromSeq, offset])) as [number, number];
  return { seq, newestInstant };
}

/**
 * Databases written before personal data had its own table kept time zones forever: give each such
 * participant a row, retention counting from its last window's close (or its enrolment). Once.
 */
export function migratePersonalData(db: Database.Database): void {
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

/**
 * Databases written before attempts were kept in the order they were recorded had them in a WITHOUT
 * ROWID table clustered on (participant_id, attempt_id): copied once, in `seq` order, into the rowid
 * table of ATTEMPT_COLUMNS (the fingerprint column is there by then: migrateAttemptFingerprints runs first).
 */
function migrateAttemptsToRowidTable(db: Database.Database): void {
  const withoutRowid = db.prepare<[], number>("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = 'attempts'").pluck().get();
  if (withoutRowid !== 1) return;
  db.transaction(() => {
    db.exec(`CREATE TABLE attempts_in_order ${ATTEMPT_COLUMNS};
      INSERT INTO attempts_in_order SELECT * FROM attempts ORDER BY seq;
      DROP TABLE attempts;
      ALTER TABLE attempts_in_order RENAME TO attempts;`);
  })();
}
