import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../server-stub/store/sqlite-store.ts';
import type { AttemptRecord, Store } from '../../server-stub/store/store.ts';
import { removeTempDirs, tempDir } from './server-fixtures.ts';

afterAll(removeTempDirs);

function enrolWithWindow(store: Store, participantId: string, enrolledAt: number): void {
  store.insertParticipants([{ participantId, template: new Float64Array([1, 0]), enrolledAt, failedStreak: 0, escalations: 0 }]);
  store.insertWindows([{ participantId, windowId: 'w-1', kind: 'scheduled', openedAt: enrolledAt, closesAt: enrolledAt + 1_000_000, attemptsUsed: 0, matched: false }]);
}

function checkIn(participantId: string, attemptId: string, at: number): AttemptRecord {
  return { participantId, attemptId, windowId: 'w-1', modality: 'face', at, attemptNumber: 1, judgement: 'match', similarity: 0.9, livenessScore: 0.9, reason: 'test' };
}

describe('the SQLite store’s retention clock', () => {
  it('reads back the newest check-in after a run that never closed the store (kill -9), on the clock of the check-in’s run', async () => {
    const file = join(tempDir(), 'retention-clock.db');
    // A run that is killed: its writes committed, the store never closed.
    const killed = createSqliteStore(file, 'normal');
    expect(killed.beginRetentionEpoch(1_000)).toBe(0);
    enrolWithWindow(killed, 'p-1', 1_000);
    killed.insertAttempt(checkIn('p-1', 'a-1', 5_000));
    await killed.flush();

    // The next run starts its clock at 2,000: behind the check-in at 5,000.
    const wound = createSqliteStore(file, 'normal');
    expect(wound.beginRetentionEpoch(2_000)).toBe(3_000);
    wound.insertAttempt(checkIn('p-1', 'a-2', 2_500));
    await wound.flush();

    // Its check-in at 2,500 was at 5,500 on the retention clock.
    const third = createSqliteStore(file, 'normal');
    expect(third.beginRetentionEpoch(0)).toBe(5_500);
    third.close();
    wound.close();
    killed.close();
  });

  it('keeps the newest of the instants noted in one group commit, not the first', async () => {
    const file = join(tempDir(), 'retention-notes.db');
    const killed = createSqliteStore(file, 'normal');
    killed.beginRetentionEpoch(0);
    killed.noteRetentionInstant(1_000);
    killed.noteRetentionInstant(4_000);
    await killed.flush();

    const next = createSqliteStore(file, 'normal');
    expect(next.beginRetentionEpoch(0)).toBe(4_000);
    next.close();
    killed.close();
  });
});
