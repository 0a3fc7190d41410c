import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../server-stub/store/open-store.ts';
import { ATTEMPT_ID_CACHE_SIZE } from '../../server-stub/store/threaded-sqlite-store.ts';
import type { AttemptRecord, Store, WindowClosure, WindowRecord } from '../../server-stub/store/store.ts';
import { removeTempDirs, tempDir } from './server-fixtures.ts';

afterAll(removeTempDirs);

const WINDOW: WindowRecord = { participantId: 'p-1', windowId: 'w-1', kind: 'scheduled', openedAt: 0, closesAt: 1_000, attemptsUsed: 0, matched: false };

function checkIn(attemptId: string, windowId = 'w-1'): AttemptRecord {
  return { participantId: 'p-1', attemptId, windowId, modality: 'face', at: 10, attemptNumber: 1, judgement: 'below_threshold', similarity: 0.4, livenessScore: 0.9, reason: 'test' };
}

function enrolled(kind: 'memory' | 'sqlite', file = join(tempDir(), 'threaded.db')): Store {
  const store = openStore({ db: kind === 'sqlite' ? file : undefined, dbSynchronous: 'normal' });
  store.beginRetentionEpoch(0);
  store.insertParticipants([{ participantId: 'p-1', template: new Float64Array([1, 0]), enrolledAt: 0, failedStreak: 0, escalations: 0 }]);
  store.insertWindows([WINDOW, { ...WINDOW, windowId: 'w-2', closesAt: 1_500 }]);
  return store;
}

describe('the SQLite store with its writer thread', () => {
  it('does not acknowledge a check-in its writer could not store: flush() fails, and the window reads as the file has it', async () => {
    const store = enrolled('sqlite');
    await store.flush();
    // A column the schema requires: accepted here (nothing is written on this thread), refused by the writer.
    expect(store.insertAttempt({ ...checkIn('a-1'), reason: null as unknown as string })).toBe(true);
    expect(store.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 1 });
    await expect(store.flush()).rejects.toThrow(/NOT NULL/);
    expect(store.window('p-1', 'w-1')).toMatchObject({ attemptsUsed: 0 });
    expect(store.attempt('p-1', 'a-1')).toBeUndefined();
    // The id was never stored: the same id is a new attempt.
    expect(store.insertAttempt(checkIn('a-1'))).toBe(true);
    await store.flush();
    expect(store.attempt('p-1', 'a-1')).toMatchObject({ reason: 'test' });
    store.close();
  });

  it('knows an attempt id while it is on its way to the file, once it is there, and after a restart', async () => {
    const file = join(tempDir(), 'ids.db');
    const store = enrolled('sqlite', file);
    expect(store.insertAttempt(checkIn('a-1'))).toBe(true);
    expect(store.insertAttempt(checkIn('a-1', 'w-2'))).toBe(false);
    await store.flush();
    expect(store.insertAttempt(checkIn('a-1', 'w-2'))).toBe(false);
    store.close();
    const reopened = openStore({ db: file, dbSynchronous: 'normal' });
    expect(reopened.insertAttempt(checkIn('a-1', 'w-2'))).toBe(false);
    expect(reopened.insertAttempt(checkIn('a-2', 'w-2'))).toBe(true);
    await reopened.flush();
    expect(reopened.window('p-1', 'w-2')).toMatchObject({ attemptsUsed: 1 });
    reopened.close();
  });

  it('knows an attempt id in flight even when the participant’s ids were dropped from memory and read again meanwhile', async () => {
    const store = enrolled('sqlite');
    await store.flush();
    expect(store.insertAttempt(checkIn('a-1'))).toBe(true);
    // As many other participants' first check-ins push p-1's ids out of memory; a-1 is still on its way.
    for (let other = 0; other < ATTEMPT_ID_CACHE_SIZE; other++) store.insertAttempt({ ...checkIn('a-1'), participantId: `other-${other}` });
    expect(store.insertAttempt(checkIn('a-1', 'w-2'))).toBe(false);
    await store.flush();
    for (let other = 0; other < ATTEMPT_ID_CACHE_SIZE; other++) store.insertAttempt({ ...checkIn('a-2'), participantId: `other-${other}` });
    expect(store.insertAttempt(checkIn('a-1', 'w-2'))).toBe(false);
    expect(store.insertAttempt(checkIn('a-2', 'w-2'))).toBe(true);
    await store.flush();
    store.close();
  });

  it('lets a process that never closes it exit once its writes are committed', () => {
    const dir = tempDir();
    const script = join(dir, 'never-closed.mts');
    writeFileSync(
      script,
      `import { openStore } from ${JSON.stringify(fileURLToPath(new URL('../../server-stub/store/open-store.ts', import.meta.url)))};
      const store = openStore({ db: ${JSON.stringify(join(dir, 'exit.db'))}, dbSynchronous: 'normal' });
      store.beginRetentionEpoch(0);
      store.insertParticipants([{ participantId: 'p-1', template: new Float64Array([1, 0]), enrolledAt: 0, failedStreak: 0, escalations: 0 }]);
      await store.flush();
      console.log('committed', store.counts().participants);`,
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim()).toBe('committed 1');
    expect(run.status).toBe(0);
  });
});

describe.each(['memory', 'sqlite'] as const)('closing due windows in the %s store', (kind) => {
  it('decides each window with the streak its participant’s earlier closures left, in close-time order', async () => {
    const store = enrolled(kind);
    const seen: [string, number][] = [];
    const failing = (window: WindowRecord, failedStreak: number): WindowClosure => {
      seen.push([window.windowId, failedStreak]);
      return { verdict: 'missed', reason: 'test', failedStreak: failedStreak + 1, ...(failedStreak + 1 === 2 && { escalationReason: 'two in a row' }) };
    };
    const closed = store.closeDueWindows(2_000, 10, failing);
    expect(seen).toEqual([
      ['w-1', 0],
      ['w-2', 1],
    ]);
    expect(closed.map((window) => [window.windowId, window.verdict])).toEqual([
      ['w-1', 'missed'],
      ['w-2', 'missed'],
    ]);
    expect(store.participant('p-1')).toMatchObject({ failedStreak: 2, escalations: 1 });
    expect(store.history('p-1', 10).escalations).toEqual([{ participantId: 'p-1', windowId: 'w-2', at: 2_000, reason: 'two in a row' }]);
    expect(store.window('p-1', 'w-2')).toMatchObject({ verdict: 'missed', closedAt: 2_000 });
    // Once committed, the SQLite store reads these from the file on the server's thread: the same.
    await store.flush();
    expect(store.participant('p-1')).toMatchObject({ failedStreak: 2, escalations: 1 });
    expect(store.window('p-1', 'w-1')).toMatchObject({ verdict: 'missed', closedAt: 2_000 });
    store.close();
  });
});
