import { afterAll, describe, expect, it } from 'vitest';
import {
  bearer,
  enrol,
  errorBody,
  faceCheckIn,
  officer,
  openWindow,
  postCheckIn,
  removeTempDirs,
  sampleWithSimilarity,
  STORE_KINDS,
  testServer,
  unitVector,
} from './server-fixtures.ts';

afterAll(removeTempDirs);

const HOUR = 3_600_000;
const START = 1_000 * HOUR;
const policy = { windowMinutes: 240, adHocWindowMinutes: 60, graceMinutes: 15, maxAttempts: 3, escalateAfterFailedWindows: 2, faceThreshold: 0.36 };

describe.each(STORE_KINDS)('window routes (%s store)', (store) => {
  it('opens a window with its close time from the policy, idempotently on windowId', async () => {
    const app = testServer({ policy, clock: { factor: 1, startMs: START } }, store);
    await enrol(app, 'p-1');
    const created = await openWindow(app, 'p-1', 'w-1', { openedAt: START });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      windowId: 'w-1',
      kind: 'scheduled',
      state: 'open',
      openedAt: START,
      closesAt: START + (240 + 15) * 60_000,
      attemptsUsed: 0,
      attemptsLeft: 3,
      matched: false,
    });
    const again = await openWindow(app, 'p-1', 'w-1', { openedAt: START });
    expect(again.statusCode).toBe(200);
    const adhoc = await openWindow(app, 'p-1', 'w-2', { kind: 'adhoc', openedAt: START });
    expect(adhoc.json().closesAt).toBe(START + (60 + 15) * 60_000);

    const conflict = await openWindow(app, 'p-1', 'w-1', { kind: 'adhoc' });
    expect(conflict.statusCode).toBe(409);
    expect(errorBody(conflict)).toMatchObject({ code: 'SRV_ERR_WINDOW_CONFLICT', field: 'body.windowId' });
    await app.close();
  });

  it('refuses windows for unknown participants and bad bodies', async () => {
    const app = testServer({}, store);
    const unknown = await openWindow(app, 'ghost', 'w-1');
    expect(unknown.statusCode).toBe(404);
    expect(errorBody(unknown).code).toBe('SRV_ERR_PARTICIPANT_NOT_FOUND');
    await enrol(app, 'p-1');
    const badKind = await app.inject({ method: 'POST', url: '/v1/participants/p-1/windows', headers: officer, payload: { windowId: 'w-1', kind: 'weekly' } });
    expect(errorBody(badKind)).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.kind' });
    expect(errorBody(badKind).message).toContain('"scheduled", "adhoc"');
    const badId = await app.inject({ method: 'POST', url: '/v1/participants/p-1/windows', headers: officer, payload: { windowId: 'w.1', kind: 'adhoc' } });
    expect(errorBody(badId)).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.windowId' });
    await app.close();
  });

  it('lists open prompts to the participant (and an officer), not pending, answered or other people’s', async () => {
    const app = testServer({ policy, clock: { factor: 1, startMs: START } }, store);
    const template = unitVector('p-1');
    const token = await enrol(app, 'p-1', template);
    const other = await enrol(app, 'p-2');
    await openWindow(app, 'p-1', 'open', { openedAt: START - HOUR });
    await openWindow(app, 'p-1', 'pending', { openedAt: START + 10 * HOUR });
    await openWindow(app, 'p-1', 'answered', { openedAt: START - HOUR });
    await openWindow(app, 'p-1', 'past', { openedAt: START - 10 * HOUR });
    await postCheckIn(app, token, 'p-1', faceCheckIn('answered', 'a-1', sampleWithSimilarity(template, 0.9)));

    const prompts = await app.inject({ method: 'GET', url: '/v1/participants/p-1/windows/open', headers: bearer(token) });
    expect(prompts.statusCode).toBe(200);
    expect(prompts.json().windows.map((w: { windowId: string }) => w.windowId)).toEqual(['open']);
    const byOfficer = await app.inject({ method: 'GET', url: '/v1/participants/p-1/windows/open', headers: officer });
    expect(byOfficer.statusCode).toBe(200);
    const byOther = await app.inject({ method: 'GET', url: '/v1/participants/p-1/windows/open', headers: bearer(other) });
    expect(byOther.statusCode).toBe(403);
    expect(errorBody(byOther).code).toBe('SRV_ERR_FORBIDDEN_PARTICIPANT');
    await app.close();
  });

  it('closes due windows in order: verdicts with reasons, the streak, and escalation after K failures', async () => {
    const app = testServer({ policy, clock: { factor: 1, startMs: START } }, store);
    const template = unitVector('p-1');
    const token = await enrol(app, 'p-1', template);
    await enrol(app, 'p-2');
    // Windows of p-1 open 10 h, 9 h and 8 h ago; each closes 4 h 15 min after opening.
    for (const [index, windowId] of ['missed', 'rejected', 'verified', 'later-missed'].entries()) {
      await openWindow(app, 'p-1', windowId, { openedAt: START - (10 - index) * HOUR });
    }
    await openWindow(app, 'p-1', 'still-open', { openedAt: START - HOUR });
    await openWindow(app, 'p-2', 'p2-missed', { openedAt: START - 10 * HOUR });
    // Attempts can only be made while a window is open, so these windows get them through a store
    // written as the check-in route writes it; the route itself is covered in routes-checkins.
    const { store: kept } = app.checkin;
    const attempt = (windowId: string, attemptId: string, judgement: 'match' | 'below_threshold', at: number) =>
      kept.insertAttempt({ participantId: 'p-1', attemptId, windowId, modality: 'face', at, attemptNumber: 1, judgement, similarity: judgement === 'match' ? 0.9 : 0.1, livenessScore: 0.9, reason: 'test' });
    attempt('rejected', 'r-1', 'below_threshold', START - 9 * HOUR);
    attempt('verified', 'v-1', 'match', START - 8 * HOUR);

    const response = await app.inject({ method: 'POST', url: '/v1/windows/close-due', headers: officer });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ closed: 5, verdicts: { verified: 1, rejected: 1, missed: 3 }, escalations: 1 });

    const history = (await app.inject({ method: 'GET', url: '/v1/participants/p-1/history', headers: officer })).json();
    const verdicts = Object.fromEntries(history.windows.map((w: { windowId: string; verdict?: string; reason?: string }) => [w.windowId, [w.verdict, w.reason]]));
    expect(verdicts.missed).toEqual(['missed', expect.stringMatching(/^no attempt judged before the window closed/)]);
    expect(verdicts.rejected).toEqual(['rejected', '1 attempt(s) judged, none matched']);
    expect(verdicts.verified).toEqual(['verified', 'an attempt matched (1 judged)']);
    expect(verdicts['still-open']).toEqual([undefined, undefined]);
    expect(history.escalations).toEqual([{ windowId: 'rejected', at: expect.any(Number), reason: expect.stringContaining('2 failed window(s) in a row') }]);

    const status = (await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer })).json();
    expect(status).toMatchObject({ failedStreak: 1, escalations: 1 });
    expect(status.unclosedWindows.map((w: { windowId: string }) => w.windowId)).toEqual(['still-open']);

    const closedCheckIn = await postCheckIn(app, token, 'p-1', faceCheckIn('missed', 'late', sampleWithSimilarity(template, 0.9)));
    expect(closedCheckIn.statusCode).toBe(409);
    expect(errorBody(closedCheckIn)).toMatchObject({ code: 'SRV_ERR_WINDOW_CLOSED', field: 'body.windowId' });

    const again = await app.inject({ method: 'POST', url: '/v1/windows/close-due', headers: officer });
    expect(again.json()).toMatchObject({ closed: 0, escalations: 0 });

    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('checkin_window_verdicts_total{kind="scheduled",verdict="missed"} 3');
    expect(metrics).toContain('checkin_escalations_total 1');
    await app.close();
  });

  it('closes due windows on its own when housekeeping runs', async () => {
    const app = testServer({ policy, clock: { factor: 1, startMs: START }, housekeepingIntervalMs: 20 }, store);
    await app.ready();
    await enrol(app, 'p-1');
    await openWindow(app, 'p-1', 'old', { openedAt: START - 10 * HOUR });
    await expect.poll(() => app.checkin.store.counts().openWindows, { timeout: 10_000 }).toBe(0);
    await app.close();
  });

  it('keeps close-due from participants', async () => {
    const app = testServer({}, store);
    const token = await enrol(app, 'p-1');
    const response = await app.inject({ method: 'POST', url: '/v1/windows/close-due', headers: bearer(token) });
    expect(response.statusCode).toBe(403);
    await app.close();
  });
});

describe.each(STORE_KINDS)('bulk windows (%s store)', (store) => {
  const bulk = (app: ReturnType<typeof testServer>, windows: unknown[], headers: Record<string, string> = officer) =>
    app.inject({ method: 'POST', url: '/v1/windows/bulk', headers, payload: { windows } });

  it('opens windows of many participants at once, idempotently, all or none', async () => {
    const app = testServer({ policy, clock: { factor: 1, startMs: START } }, store);
    await enrol(app, 'p-1');
    await enrol(app, 'p-2');
    const windows = [
      { participantId: 'p-1', windowId: '0', kind: 'scheduled', openedAt: START + HOUR },
      { participantId: 'p-2', windowId: '0', kind: 'adhoc', openedAt: START - HOUR },
      { participantId: 'p-1', windowId: '1', kind: 'adhoc' },
    ];
    const created = await bulk(app, windows);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ opened: 3, existing: 0 });
    const status = (await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer })).json();
    expect(status.unclosedWindows).toMatchObject([
      { windowId: '0', state: 'pending', closesAt: START + HOUR + 255 * 60_000 },
      { windowId: '1', kind: 'adhoc', state: 'open' },
    ]);
    const again = await bulk(app, windows.slice(0, 2));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ opened: 0, existing: 2 });

    const before = app.checkin.store.counts().openWindows;
    const unknown = await bulk(app, [{ participantId: 'p-1', windowId: '2', kind: 'adhoc' }, { participantId: 'ghost', windowId: '0', kind: 'adhoc' }]);
    expect(unknown.statusCode).toBe(404);
    expect(errorBody(unknown)).toMatchObject({ code: 'SRV_ERR_PARTICIPANT_NOT_FOUND', field: 'body.windows[1].participantId' });
    const conflict = await bulk(app, [{ participantId: 'p-1', windowId: '3', kind: 'adhoc' }, { participantId: 'p-1', windowId: '3', kind: 'scheduled' }]);
    expect(conflict.statusCode).toBe(409);
    expect(errorBody(conflict)).toMatchObject({ code: 'SRV_ERR_WINDOW_CONFLICT', field: 'body.windows[1].windowId' });
    expect(app.checkin.store.counts().openWindows).toBe(before);
    await app.close();
  });

  it('refuses bad bodies, too many windows and participant tokens', async () => {
    const app = testServer({ bulk: { maxWindows: 2 } }, store);
    const token = await enrol(app, 'p-1');
    const window = { participantId: 'p-1', windowId: '0', kind: 'adhoc' };
    expect(errorBody(await bulk(app, [window, window, window]))).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.windows' });
    expect(errorBody(await bulk(app, [{ ...window, extra: true }]))).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.windows[0].extra' });
    expect(errorBody(await bulk(app, [{ windowId: '0', kind: 'adhoc' }]))).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.windows[0].participantId' });
    expect((await bulk(app, [window], bearer(token))).statusCode).toBe(403);
    await app.close();
  });
});
