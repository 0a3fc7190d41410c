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

describe.each(STORE_KINDS)('participant routes (%s store)', (store) => {
  it('enrols a participant and returns a token bound to it', async () => {
    const app = testServer({}, store);
    const response = await app.inject({ method: 'POST', url: '/v1/participants', headers: officer, payload: { participantId: 'p-1', template: unitVector('a'), timeZone: 'eastern' } });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.participantId).toBe('p-1');
    expect(body.token).toMatch(/^v1\.p-1\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(body.tokenExpiresAt).toBeGreaterThan(Date.now() / 1000);
    await app.close();
  });

  it('refuses a second enrolment of the same id with SRV_ERR_PARTICIPANT_EXISTS', async () => {
    const app = testServer({}, store);
    await enrol(app, 'p-1');
    const response = await app.inject({ method: 'POST', url: '/v1/participants', headers: officer, payload: { participantId: 'p-1', template: unitVector('b') } });
    expect(response.statusCode).toBe(409);
    expect(errorBody(response)).toMatchObject({ code: 'SRV_ERR_PARTICIPANT_EXISTS', field: 'body.participantId' });
    await app.close();
  });

  it('refuses a template that is not a unit vector or has the wrong length', async () => {
    const app = testServer({}, store);
    const half = unitVector('a').map((value) => value / 2);
    const notUnit = await app.inject({ method: 'POST', url: '/v1/participants', headers: officer, payload: { participantId: 'p-1', template: half } });
    expect(notUnit.statusCode).toBe(400);
    expect(errorBody(notUnit)).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.template' });
    expect(errorBody(notUnit).message).toMatch(/^body\.template: expected a unit vector/);
    const short = await app.inject({ method: 'POST', url: '/v1/participants', headers: officer, payload: { participantId: 'p-1', template: unitVector('a', 64) } });
    expect(errorBody(short)).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.template' });
    expect(app.checkin.store.counts().participants).toBe(0);
    await app.close();
  });

  it('enrols in bulk, all or none', async () => {
    const app = testServer({}, store);
    const participants = Array.from({ length: 50 }, (_, index) => ({ participantId: `b-${index}`, template: unitVector(`b-${index}`) }));
    const response = await app.inject({ method: 'POST', url: '/v1/participants/bulk', headers: officer, payload: { participants } });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.enrolled).toBe(50);
    expect(body.tokens.map((entry: { participantId: string }) => entry.participantId)).toEqual(participants.map((p) => p.participantId));

    const clash = [{ participantId: 'new-1', template: unitVector('n') }, participants[7]!];
    const refused = await app.inject({ method: 'POST', url: '/v1/participants/bulk', headers: officer, payload: { participants: clash } });
    expect(refused.statusCode).toBe(409);
    expect(errorBody(refused)).toMatchObject({ code: 'SRV_ERR_PARTICIPANT_EXISTS', field: 'body.participants[1].participantId' });
    expect(app.checkin.store.participant('new-1')).toBeUndefined();

    const twice = [{ participantId: 'dup', template: unitVector('d') }, { participantId: 'dup', template: unitVector('d') }];
    const duplicate = await app.inject({ method: 'POST', url: '/v1/participants/bulk', headers: officer, payload: { participants: twice } });
    expect(errorBody(duplicate)).toMatchObject({ code: 'SRV_ERR_PARTICIPANT_EXISTS', field: 'body.participants[1].participantId' });

    const badTemplate = [{ participantId: 'x', template: unitVector('x') }, { participantId: 'y', template: unitVector('y').map((v) => v * 3) }];
    const invalid = await app.inject({ method: 'POST', url: '/v1/participants/bulk', headers: officer, payload: { participants: badTemplate } });
    expect(errorBody(invalid)).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.participants[1].template' });
    expect(app.checkin.store.counts().participants).toBe(50);
    await app.close();
  });

  it('refuses a bulk request over the configured size', async () => {
    const app = testServer({ bulk: { maxParticipants: 3 } }, store);
    const participants = Array.from({ length: 4 }, (_, index) => ({ participantId: `b-${index}`, template: unitVector(`b-${index}`) }));
    const response = await app.inject({ method: 'POST', url: '/v1/participants/bulk', headers: officer, payload: { participants } });
    expect(response.statusCode).toBe(400);
    expect(errorBody(response)).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.participants' });
    await app.close();
  });

  it('shows status and history to an officer, with every decision and its reason', async () => {
    const app = testServer({}, store);
    const template = unitVector('p-1');
    const token = await enrol(app, 'p-1', template);
    await openWindow(app, 'p-1', 'w-1');
    await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-1', sampleWithSimilarity(template, 0.1), { location: { lat: 40.71234, lon: -74.00567, accuracyM: 12 } }));
    await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-2', sampleWithSimilarity(template, 0.8)));

    const status = await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ participantId: 'p-1', failedStreak: 0, escalations: 0, unclosedWindows: [{ windowId: 'w-1', attemptsUsed: 2, matched: true }] });

    const history = await app.inject({ method: 'GET', url: '/v1/participants/p-1/history', headers: officer });
    expect(history.statusCode).toBe(200);
    const attempts = history.json().attempts;
    expect(attempts.map((a: { attemptId: string }) => a.attemptId)).toEqual(['a-1', 'a-2']);
    expect(attempts[0]).toMatchObject({ judgement: 'below_threshold', location: { lat: 40.71, lon: -74.01 } });
    expect(attempts[0].reason).toMatch(/^similarity 0\.1000 < face threshold/);
    expect(attempts[1]).toMatchObject({ judgement: 'match', attemptNumber: 2 });
    expect(attempts[1].location).toBeUndefined();

    const limited = await app.inject({ method: 'GET', url: '/v1/participants/p-1/history?limit=1', headers: officer });
    expect(limited.json().attempts.map((a: { attemptId: string }) => a.attemptId)).toEqual(['a-2']);
    await app.close();
  });

  it('answers 404 for status and history of an unknown participant, and 400 for a bad limit', async () => {
    const app = testServer({}, store);
    for (const url of ['/v1/participants/ghost/status', '/v1/participants/ghost/history']) {
      const response = await app.inject({ method: 'GET', url, headers: officer });
      expect(response.statusCode).toBe(404);
      expect(errorBody(response)).toMatchObject({ code: 'SRV_ERR_PARTICIPANT_NOT_FOUND', field: 'params.id' });
    }
    await enrol(app, 'p-1');
    const response = await app.inject({ method: 'GET', url: '/v1/participants/p-1/history?limit=0', headers: officer });
    expect(errorBody(response)).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'query.limit' });
    await app.close();
  });

  it('keeps the officer routes from participants', async () => {
    const app = testServer({}, store);
    const token = await enrol(app, 'p-1');
    for (const [method, url] of [
      ['GET', '/v1/participants/p-1/status'],
      ['GET', '/v1/participants/p-1/history'],
      ['POST', '/v1/participants'],
    ] as const) {
      const response = await app.inject({ method, url, headers: bearer(token), payload: method === 'POST' ? {} : undefined });
      expect(response.statusCode).toBe(403);
      expect(errorBody(response).code).toBe('SRV_ERR_FORBIDDEN_ROLE');
    }
    await app.close();
  });
});
