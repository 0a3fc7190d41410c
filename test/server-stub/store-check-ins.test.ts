import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { JUDGEMENTS, SAMPLE_MODALITIES } from '../../scenarios/vocabulary.ts';
import { openStore } from '../../server-stub/store/open-store.ts';
import type { AttemptRecord, Store, WindowRecord } from '../../server-stub/store/store.ts';
import { removeTempDirs, tempDir } from './server-fixtures.ts';

afterAll(removeTempDirs);

const WINDOW: WindowRecord = { participantId: 'p-1', windowId: 'w-1', kind: 'scheduled', openedAt: 0, closesAt: 1_000, attemptsUsed: 0, matched: false };

function checkIn(attemptId: string, judgement: AttemptRecord['judgement'] = 'match'): AttemptRecord {
  return { participantId: 'p-1', attemptId, windowId: 'w-1', modality: 'face', at: 10, attemptNumber: 1, judgement, similarity: 0.9, livenessScore: 0.9, reason: 'test' };
}

function enrolled(kind: 'memory' | 'sqlite'): Store {
  const store = openStore({ db: kind === 'sqlite' ? join(tempDir(), 'check-ins.db') : undefined, dbSynchronous: 'normal' });
  store.beginRetentionEpoch(0);
  store.insertParticipants([{ participantId: 'p-1', template: new Float64Array([1, 0]), enrolledAt: 0, failedStreak: 0, escalations: 0 }]);
  store.insertWindows([WINDOW]);
  return store;
}

describe.each(['memory', 'sqlite'] as const)('a check-in in the %s store', (kind) => {
  it('is recorded once: an attempt id used before inserts nothing and counts nothing', async () => {
    const store = enrolled(kind);
    expect(store.insertAttempt(checkIn('a-1', 'below_threshold'))).toBe(true);
    expect(store.insertAttempt(checkIn('a-1', 'match'))).toBe(false);
    await store.flush();
    expect(store.attempt('p-1', 'a-1')).toMatchObject({ judgement: 'below_threshold' });
    expect(store.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 1, matched: false });
    store.close();
  });

  it('reads its window as the writes leave it: counted, then closed', async () => {
    const store = enrolled(kind);
    expect(store.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 0, matched: false });
    store.insertAttempt(checkIn('a-1'));
    expect(store.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 1, matched: true });
    store.closeDueWindows(2_000, 10, () => ({ verdict: 'verified', reason: 'test', failedStreak: 0 }));
    await store.flush();
    expect(store.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 1, verdict: 'verified', closedAt: 2_000 });
    store.close();
  });

  it('gives every attempt back as it was inserted, each optional field present or absent', async () => {
    const store = enrolled(kind);
    const fingerprint = (index: number) => createHash('sha256').update(String(index)).digest('base64');
    // Each optional field runs through present and absent at a period of its own; 660 rows hold every period whole.
    const inserted = Array.from({ length: 660 }, (_, index): AttemptRecord => ({
      ...checkIn(`a-${index}`, JUDGEMENTS[index % JUDGEMENTS.length]),
      modality: SAMPLE_MODALITIES[index % SAMPLE_MODALITIES.length]!,
      at: 1_796_000_000_000 + index,
      attemptNumber: 1 + (index % 20),
      similarity: index / 660 - 0.5,
      livenessScore: (index % 7) / 7,
      reason: `reason ${index % 5} ≥ τ`,
      location: index % 4 === 0 ? undefined : { lat: 40 + index / 1_000, lon: -(70 + index / 1_000) },
      device: index % 5 === 0 ? undefined : `device-${index % 9}`,
      poorLight: index % 3 === 0 ? undefined : index % 3 === 1,
      callDirection: index % 6 < 2 ? undefined : index % 6 < 4 ? 'inbound' : 'outbound',
      callDurationSeconds: index % 6 < 2 ? undefined : 30 + index,
      fingerprint: index % 11 === 0 ? undefined : fingerprint(index),
    }));
    for (const record of inserted) expect(store.insertAttempt({ ...record })).toBe(true);
    await store.flush();
    for (const record of inserted) expect(store.attempt('p-1', record.attemptId)).toEqual(record);
    const handedOut = store.attempt('p-1', 'a-1')!;
    handedOut.judgement = 'match';
    handedOut.location = { lat: 0, lon: 0 };
    expect(store.attempt('p-1', 'a-1')).toEqual(inserted[1]);
    store.close();
  });

  it('hands out copies of its windows: a change to one is not stored, and a later count does not change one', async () => {
    const store = enrolled(kind);
    const changed = store.window('p-1', 'w-1')!;
    changed.attemptsUsed = 7;
    changed.matched = true;
    const before = store.window('p-1', 'w-1')!;
    expect(before).toMatchObject({ attemptsUsed: 0, matched: false });
    store.insertAttempt(checkIn('a-1'));
    expect(before).toMatchObject({ attemptsUsed: 0, matched: false });
    expect(store.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 1, matched: true });
    await store.flush();
    store.close();
  });
});

describe('the SQLite store’s windows in memory', () => {
  it('are dropped with a group commit that fails, so a window reads as the file has it', async () => {
    const store = enrolled('sqlite');
    await store.flush();
    expect(store.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 0 });
    store.insertAttempt(checkIn('a-1'));
    expect(store.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 1 });
    // The same window again breaks its primary key: the whole group, the attempt with it, is rolled back.
    expect(() => store.insertWindows([WINDOW])).toThrow();
    expect(store.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 0, matched: false });
    expect(store.attempt('p-1', 'a-1')).toBeUndefined();
    store.close();
  });
});

describe('the SQLite store’s window counts', () => {
  it('are read back from the attempts after a run that never closed the store (kill -9), and kept in the row once the window closes', async () => {
    const file = join(tempDir(), 'window-counts.db');
    const killed = openStore({ db: file, dbSynchronous: 'normal' });
    killed.beginRetentionEpoch(0);
    killed.insertParticipants([{ participantId: 'p-1', template: new Float64Array([1, 0]), enrolledAt: 0, failedStreak: 0, escalations: 0 }]);
    killed.insertWindows([WINDOW, { ...WINDOW, windowId: 'w-2' }]);
    killed.insertAttempt(checkIn('a-1', 'below_threshold'));
    killed.insertAttempt(checkIn('a-2', 'match'));
    killed.insertAttempt({ ...checkIn('a-3', 'below_threshold'), windowId: 'w-2' });
    await killed.flush();
    // The rows still hold the counts the windows were opened with: the open windows are read as counted.
    const counts = (windows: WindowRecord[]) => windows.map(({ attemptsUsed, matched }) => [attemptsUsed, matched]);
    // w-1: a rejected attempt, then a match; w-2: one rejected attempt.
    const counted = [
      [2, true],
      [1, false],
    ];
    expect(counts(killed.unclosedWindows('p-1'))).toEqual(counted);
    expect(counts(killed.history('p-1', 10).windows)).toEqual(counted);

    const next = openStore({ db: file, dbSynchronous: 'normal' });
    expect(next.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 2, matched: true });
    expect(counts(next.unclosedWindows('p-1'))).toEqual(counted);
    expect(counts(next.history('p-1', 10).windows)).toEqual(counted);
    const verdicts: [number, boolean][] = [];
    next.closeDueWindows(2_000, 10, (window) => {
      verdicts.push([window.attemptsUsed, window.matched]);
      return { verdict: window.matched ? 'verified' : 'rejected', reason: 'test', failedStreak: 0 };
    });
    expect(verdicts).toEqual(counted);
    await next.flush();
    next.close();
    killed.close();

    const raw = new Database(file, { readonly: true });
    const rows = raw.prepare('SELECT window_id, attempts_used, matched, verdict FROM windows ORDER BY window_id').raw().all();
    raw.close();
    expect(rows).toEqual([
      ['w-1', 2, 1, 'verified'],
      ['w-2', 1, 0, 'rejected'],
    ]);
  });
});

describe('a SQLite file whose attempts an earlier version clustered on (participant, attempt id)', () => {
  // What earlier versions created: the rows themselves ordered by that key, in a WITHOUT ROWID table.
  const CLUSTERED = `CREATE TABLE attempts (
    participant_id TEXT NOT NULL, attempt_id TEXT NOT NULL, window_id TEXT NOT NULL, modality TEXT NOT NULL,
    at INTEGER NOT NULL, attempt_number INTEGER NOT NULL, judgement TEXT NOT NULL, similarity REAL NOT NULL,
    liveness_score REAL NOT NULL, reason TEXT NOT NULL, lat REAL, lon REAL, device TEXT, poor_light INTEGER,
    call_direction TEXT, call_duration_s REAL, seq INTEGER NOT NULL, fingerprint BLOB,
    PRIMARY KEY (participant_id, attempt_id)
  ) WITHOUT ROWID`;

  it('is moved, once and whole, to attempts kept in the order they were recorded', async () => {
    const file = join(tempDir(), 'clustered.db');
    const first = openStore({ db: file, dbSynchronous: 'normal' });
    first.beginRetentionEpoch(0);
    first.insertParticipants([{ participantId: 'p-1', template: new Float64Array([1, 0]), enrolledAt: 0, failedStreak: 0, escalations: 0 }]);
    first.insertWindows([WINDOW]);
    // Ids whose key order is not the order they were recorded in.
    for (const [attemptId, judgement] of [['a-9', 'below_threshold'], ['a-1', 'below_threshold'], ['a-5', 'match']] as const) first.insertAttempt(checkIn(attemptId, judgement));
    await first.flush();
    first.close();
    const raw = new Database(file);
    raw.exec(`ALTER TABLE attempts RENAME TO recorded; ${CLUSTERED}; INSERT INTO attempts SELECT * FROM recorded; DROP TABLE recorded;`);
    raw.close();

    const migrated = openStore({ db: file, dbSynchronous: 'normal' });
    expect(migrated.history('p-1', 10).attempts.map((attempt) => attempt.attemptId)).toEqual(['a-9', 'a-1', 'a-5']);
    expect(migrated.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 3, matched: true });
    expect(migrated.attempt('p-1', 'a-1')).toMatchObject({ judgement: 'below_threshold' });
    expect(migrated.insertAttempt(checkIn('a-5'))).toBe(false);
    expect(migrated.insertAttempt(checkIn('a-2'))).toBe(true);
    await migrated.flush();
    migrated.close();

    const check = new Database(file, { readonly: true });
    const withoutRowid = check.prepare("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = 'attempts'").pluck().get();
    const indexes = check.prepare("SELECT name FROM pragma_index_list('attempts') ORDER BY name").pluck().all();
    const inOrder = check.prepare('SELECT attempt_id FROM attempts ORDER BY rowid').pluck().all();
    check.close();
    expect(withoutRowid).toBe(0);
    expect(indexes).toEqual(['attempts_key', 'attempts_personal']);
    expect(inOrder).toEqual(['a-9', 'a-1', 'a-5', 'a-2']);
  });
});
