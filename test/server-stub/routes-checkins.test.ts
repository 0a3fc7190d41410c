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
import { encodeSampleBase64 } from '../../server-stub/sample-encoding.ts';

afterAll(removeTempDirs);

const HOUR = 3_600_000;
const START = 1_000 * HOUR;
const policy = { maxAttempts: 3, faceThreshold: 0.36, voiceThreshold: 0.5, livenessThreshold: 0.02 };

describe.each(STORE_KINDS)('check-in routes (%s store)', (store) => {
  const setUp = async () => {
    const app = testServer({ policy, clock: { factor: 1, startMs: START } }, store);
    const template = unitVector('p-1');
    const token = await enrol(app, 'p-1', template);
    await openWindow(app, 'p-1', 'w-1', { openedAt: START });
    return { app, template, token };
  };

  it('judges a selfie against the template and threshold, and returns the window state', async () => {
    const { app, template, token } = await setUp();
    const response = await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-1', sampleWithSimilarity(template, 0.4)));
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ participantId: 'p-1', attemptId: 'a-1', windowId: 'w-1', modality: 'face', judgement: 'match', attemptNumber: 1, replayed: false });
    expect(body.similarity).toBeCloseTo(0.4, 12);
    expect(body.reason).toBe('similarity 0.4000 ≥ face threshold 0.36');
    expect(body.window).toMatchObject({ windowId: 'w-1', state: 'open', attemptsUsed: 1, attemptsLeft: 2, matched: true });

    const below = await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-2', sampleWithSimilarity(template, 0.35)));
    expect(below.json()).toMatchObject({ judgement: 'below_threshold', attemptNumber: 2 });
    const notLive = await postCheckIn(app, token, 'p-1', { ...faceCheckIn('w-1', 'a-3', template), capture: { livenessScore: 0.01, poorLight: true, device: 'Pixel 4a' } });
    expect(notLive.json()).toMatchObject({ judgement: 'not_live', reason: 'liveness 0.01 < liveness threshold 0.02' });
    await app.close();
  });

  it('is idempotent on attemptId: a retry is answered from the record and not counted again', async () => {
    const { app, template, token } = await setUp();
    const body = faceCheckIn('w-1', 'a-1', sampleWithSimilarity(template, 0.2));
    const first = await postCheckIn(app, token, 'p-1', body);
    const retry = await postCheckIn(app, token, 'p-1', body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ ...first.json(), replayed: true, window: { attemptsUsed: 1 } });
    const other = await postCheckIn(app, token, 'p-1', faceCheckIn('w-2', 'a-1', template));
    expect(other.statusCode).toBe(409);
    expect(errorBody(other)).toMatchObject({ code: 'SRV_ERR_ATTEMPT_CONFLICT', field: 'body.attemptId' });
    const history = (await app.inject({ method: 'GET', url: '/v1/participants/p-1/history', headers: officer })).json();
    expect(history.attempts).toHaveLength(1);
    await app.close();
  });

  it('admits attempts as the policy says: not open yet, exhausted, unknown window', async () => {
    const { app, template, token } = await setUp();
    await openWindow(app, 'p-1', 'later', { openedAt: START + 5 * HOUR });
    const early = await postCheckIn(app, token, 'p-1', faceCheckIn('later', 'e-1', template));
    expect(early.statusCode).toBe(409);
    expect(errorBody(early)).toMatchObject({ code: 'SRV_ERR_WINDOW_NOT_OPEN', field: 'body.windowId' });

    for (const attemptId of ['a-1', 'a-2', 'a-3']) await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', attemptId, sampleWithSimilarity(template, 0.1)));
    const fourth = await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-4', template));
    expect(fourth.statusCode).toBe(409);
    expect(errorBody(fourth)).toMatchObject({ code: 'SRV_ERR_ATTEMPTS_EXHAUSTED', field: 'body.windowId' });

    const unknown = await postCheckIn(app, token, 'p-1', faceCheckIn('nope', 'u-1', template));
    expect(unknown.statusCode).toBe(404);
    expect(errorBody(unknown)).toMatchObject({ code: 'SRV_ERR_WINDOW_NOT_FOUND', field: 'body.windowId' });

    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('checkin_attempts_total{modality="face",outcome="below_threshold"} 3');
    expect(metrics).toContain('checkin_attempts_total{modality="face",outcome="attempts_exhausted"} 1');
    expect(metrics).toContain('checkin_attempts_total{modality="face",outcome="window_not_open"} 1');
    expect(metrics).toMatch(/checkin_similarity_score_count\{modality="face"\} 3/);
    await app.close();
  });

  it('verifies a phone call by voice, against the voice template when one was enrolled', async () => {
    const app = testServer({ policy, clock: { factor: 1, startMs: START } }, store);
    const face = unitVector('face');
    const voice = unitVector('voice');
    const enrolled = await app.inject({ method: 'POST', url: '/v1/participants', headers: officer, payload: { participantId: 'caller', template: face, voiceTemplate: voice } });
    const token = enrolled.json().token;
    const faceOnly = await enrol(app, 'face-only', face);
    await openWindow(app, 'caller', 'w-1', { openedAt: START });
    await openWindow(app, 'face-only', 'w-1', { openedAt: START });
    const call = (attemptId: string, sample: number[]) => ({ windowId: 'w-1', attemptId, sample, call: { direction: 'outbound', durationSeconds: 42 } });

    const response = await app.inject({ method: 'POST', url: '/v1/participants/caller/calls', headers: bearer(token), payload: call('c-1', sampleWithSimilarity(voice, 0.6)) });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ modality: 'voice', judgement: 'match', reason: 'similarity 0.6000 ≥ voice threshold 0.5' });
    const againstFace = await app.inject({ method: 'POST', url: '/v1/participants/caller/calls', headers: bearer(token), payload: call('c-2', face) });
    expect(againstFace.json().judgement).toBe('below_threshold');
    const fallback = await app.inject({ method: 'POST', url: '/v1/participants/face-only/calls', headers: bearer(faceOnly), payload: call('c-1', sampleWithSimilarity(face, 0.45)) });
    expect(fallback.json()).toMatchObject({ judgement: 'below_threshold', modality: 'voice' });

    const history = (await app.inject({ method: 'GET', url: '/v1/participants/caller/history', headers: officer })).json();
    expect(history.attempts[0]).toMatchObject({ callDirection: 'outbound', callDurationSeconds: 42 });
    const badCall = await app.inject({ method: 'POST', url: '/v1/participants/caller/calls', headers: bearer(token), payload: { ...call('c-3', voice), call: { direction: 'sideways', durationSeconds: 1 } } });
    expect(errorBody(badCall)).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.call.direction' });
    const replay = await app.inject({ method: 'POST', url: '/v1/participants/caller/checkins', headers: bearer(token), payload: faceCheckIn('w-1', 'c-1', face) });
    expect(errorBody(replay).code).toBe('SRV_ERR_ATTEMPT_CONFLICT');
    await app.close();
  });

  it('takes the sample in base64 as the same doubles, bit for bit, for selfies and calls', async () => {
    const { app, template, token } = await setUp();
    await openWindow(app, 'p-1', 'w-2', { openedAt: START });
    const sample = sampleWithSimilarity(template, 0.37);
    const { sample: _asArray, ...withoutSample } = faceCheckIn('w-1', 'a-1', sample);
    const asArray = (await postCheckIn(app, token, 'p-1', faceCheckIn('w-2', 'a-2', sample))).json();
    const response = await postCheckIn(app, token, 'p-1', { ...withoutSample, sampleBase64: encodeSampleBase64(sample) });
    expect(response.statusCode).toBe(201);
    expect(response.json().similarity).toBe(asArray.similarity);
    expect(response.json()).toMatchObject({ judgement: 'match', attemptNumber: 1 });
    const call = await app.inject({
      method: 'POST',
      url: '/v1/participants/p-1/calls',
      headers: bearer(token),
      payload: { windowId: 'w-1', attemptId: 'c-1', sampleBase64: encodeSampleBase64(sample), call: { direction: 'inbound', durationSeconds: 60 } },
    });
    expect(call.statusCode).toBe(201);
    expect(call.json().similarity).toBe(asArray.similarity);
    await app.close();
  });

  it('names the sample field when the sample is missing, given twice, or not 128 bounded doubles in base64', async () => {
    const { app, template, token } = await setUp();
    const { sample: _omitted, ...withoutSample } = faceCheckIn('w-1', 'a-1', template);
    const cases: [unknown, string, string][] = [
      [withoutSample, 'body.sample', 'is required'],
      [{ ...faceCheckIn('w-1', 'a-1', template), sampleBase64: encodeSampleBase64(template) }, 'body.sampleBase64', 'is not allowed with sample'],
      [{ ...withoutSample, sampleBase64: encodeSampleBase64(template.slice(1)) }, 'body.sampleBase64', 'expected a string of at least'],
      [{ ...withoutSample, sampleBase64: `*${encodeSampleBase64(template).slice(1)}` }, 'body.sampleBase64', 'expected a string matching'],
      [{ ...withoutSample, sampleBase64: encodeSampleBase64([Number.NaN, ...template.slice(1)]) }, 'body.sampleBase64', 'expected 128 little-endian doubles within ±1000'],
      [{ ...withoutSample, sampleBase64: encodeSampleBase64([1e6, ...template.slice(1)]) }, 'body.sampleBase64', 'expected 128 little-endian doubles within ±1000'],
    ];
    for (const [body, field, expected] of cases) {
      const response = await postCheckIn(app, token, 'p-1', body);
      expect(response.statusCode, field).toBe(400);
      expect(errorBody(response), field).toMatchObject({ code: 'SRV_ERR_VALIDATION', field });
      expect(errorBody(response).message, field).toContain(`${field}: ${expected}`);
    }
    const history = (await app.inject({ method: 'GET', url: '/v1/participants/p-1/history', headers: officer })).json();
    expect(history.attempts).toHaveLength(0);
    await app.close();
  });

  it('names the field and what was expected for a bad check-in body', async () => {
    const { app, template, token } = await setUp();
    const cases: [unknown, string][] = [
      [{ ...faceCheckIn('w-1', 'a-1', template), modality: 'voice' }, 'body.modality'],
      [{ ...faceCheckIn('w-1', 'a-1', template), capture: { livenessScore: 2 } }, 'body.capture.livenessScore'],
      [{ ...faceCheckIn('w-1', 'a-1', template), capture: {} }, 'body.capture.livenessScore'],
      [{ ...faceCheckIn('w-1', 'a-1', template), location: { lat: 91, lon: 0, accuracyM: 5 } }, 'body.location.lat'],
      [{ ...faceCheckIn('w-1', 'a-1', [...template.slice(1), 'x'] as unknown as number[]) }, 'body.sample[127]'],
      [{ ...faceCheckIn('w-1', 'a-1', template), extra: 1 }, 'body.extra'],
      [{ windowId: 'w-1' }, 'body.attemptId'],
    ];
    for (const [body, field] of cases) {
      const response = await postCheckIn(app, token, 'p-1', body);
      expect(response.statusCode, field).toBe(400);
      expect(errorBody(response), field).toMatchObject({ code: 'SRV_ERR_VALIDATION', field });
      expect(errorBody(response).message.startsWith(`${field}: `), field).toBe(true);
    }
    await app.close();
  });
});
