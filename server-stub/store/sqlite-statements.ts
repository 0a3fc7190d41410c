import type Database from 'better-sqlite3';
import type { EscalationRecord } from './store.ts';
import type { AttemptRow, ParticipantRow, WindowRow } from './sqlite-rows.ts';

/** Every statement the sqlite store runs, prepared once when it opens. */
export function prepareStatements(db: Database.Database) {
  return {
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
    // While a window is open, its count and whether one matched are its attempts' (a check-in writes its
    // attempt and nothing more); its close writes them into its row. The statements below that read
    // several windows leave an open window's two columns as it was opened: the store reads its counts here.
    window: db.prepare<[string, string], WindowRow>(
      `SELECT w.participant_id, w.window_id, w.kind, w.opened_at, w.closes_at,
        CASE WHEN w.verdict IS NULL THEN (SELECT count(*) FROM attempts a WHERE a.participant_id = w.participant_id AND a.window_id = w.window_id) ELSE w.attempts_used END AS attempts_used,
        CASE WHEN w.verdict IS NULL THEN EXISTS (SELECT 1 FROM attempts a WHERE a.participant_id = w.participant_id AND a.window_id = w.window_id AND a.judgement = 'match') ELSE w.matched END AS matched,
        w.verdict, w.reason, w.closed_at
      FROM windows w WHERE w.participant_id = ? AND w.window_id = ?`,
    ),
    unclosedWindows: db.prepare<[string], WindowRow>('SELECT * FROM windows WHERE participant_id = ? AND verdict IS NULL ORDER BY seq'),
    attempt: db.prepare<[string, string], AttemptRow>('SELECT * FROM attempts WHERE participant_id = ? AND attempt_id = ?'),
    // Positional: binding 18 values by name looks each up on an object, on every check-in. An attempt id
    // the participant already used inserts nothing (changes 0): the check-in finds out without reading first.
    insertAttempt: db.prepare('INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (participant_id, attempt_id) DO NOTHING'),
    dueWindows: db.prepare<[number, number], WindowRow>(
      'SELECT * FROM windows WHERE verdict IS NULL AND closes_at < ? ORDER BY closes_at, participant_id, opened_at, window_id LIMIT ?',
    ),
    closeWindow: db.prepare('UPDATE windows SET attempts_used = ?, matched = ?, verdict = ?, reason = ?, closed_at = ? WHERE participant_id = ? AND window_id = ?'),
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
}

export type Statements = ReturnType<typeof prepareStatements>;
