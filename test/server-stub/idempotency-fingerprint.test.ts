import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { attemptFingerprint } from '../../server-stub/attempt-fingerprint.ts';
import { encodeSampleBase64 } from '../../server-stub/sample-encoding.ts';
import { interpretAttemptReply } from '../../sim/backends/http.ts';
import {
  bearer,
  enrol,
  faceCheckIn,
  officer,
  openWindow,
  postCheckIn,
  removeTempDirs,
  sampleWithSimilarity,
  STORE_KINDS,
  tempDir,
  testServer,
  unitVector,
} from './server-fixtures.ts';

/**
 * An attempt id is an idempotency key bound to its request: the same id with the same payload is a
 * replay (200, replayed: true, nothing counted twice); with another payload it is refused with 409
 * SRV_ERR_IDEMPOTENCY_KEY_REUSED and changes nothing. The fingerprint lives with the attempt in both
 * stores, survives a restart, and a database written before fingerprints existed is migrated.
 */

afterAll(removeTempDirs);

const HOUR = 3_600_000;
const START = 1_000 * HOUR;
const settings = { policy: { maxAttempts: 5 }, clock: { factor: 1, startMs: START } };
const template = unitVector('p-1');
const sample = sampleWithSimilarity(template, 0.5);
const location = { lat: 51.5, lon: -0.12, accuracyM: 20 };
const selfie = { ...faceCheckIn('w-1', 'a-1', sample), capture: { livenessScore: 0.9, poorLight: false, device: 'Pixel 4a' }, location };
const call = { windowId: 'w-1', attemptId: 'c-1', sample, call: { direction: 'inbound', durationSeconds: 90 } };
const REUSED = {
  code: 'SRV_ERR_IDEMPOTENCY_KEY_REUSED',
  field: 'body.attemptId',
};
const reusedMessage = (attemptId: string) =>
  `body.attemptId: '${attemptId}' was already used with another payload (sample, capture, location or call); expected the same request again, or a new attempt id`;

async function setUp(store: (typeof STORE_KINDS)[number], db?: string) {
  const app = testServer({ ...settings, ...(db !== undefined && { db }) }, db === undefined ? store : 'memory');
  const token = await enrol(app, 'p-1', template);
  await openWindow(app, 'p-1', 'w-1', { openedAt: START });
  return { app, token };
}

const postCall = (app: Awaited<ReturnType<typeof setUp>>['app'], token: string, body: unknown) =>
  app.inject({ method: 'POST', url: '/v1/participants/p-1/calls', headers: bearer(token), payload: body as object });

describe.each(STORE_KINDS)('attempt ids bound to their request (%s store)', (store) => {
  it('replays the same payload: 200, replayed: true, the stored judgement, nothing counted twice', async () => {
    const { app, token } = await setUp(store);
    const first = await postCheckIn(app, token, 'p-1', selfie);
    expect(first.statusCode).toBe(201);
    const again = await postCheckIn(app, token, 'p-1', selfie);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...first.json(), replayed: true });
    expect(again.json().window.attemptsUsed).toBe(1);
    await app.close();
  });

  it('replays the same payload however it is written: keys reordered, 0.9 as 0.90, the sample as sampleBase64', async () => {
    const { app, token } = await setUp(store);
    expect((await postCheckIn(app, token, 'p-1', selfie)).statusCode).toBe(201);
    const { sample: numbers, ...rest } = selfie;
    const reordered = `{"location":{"accuracyM":20.0,"lon":-0.12,"lat":51.5},"capture":{"device":"Pixel 4a","poorLight":false,"livenessScore":0.90},"sampleBase64":"${encodeSampleBase64(numbers)}","modality":"face","attemptId":"a-1","windowId":"w-1"}`;
    expect(Object.keys(rest).sort()).toEqual(['attemptId', 'capture', 'location', 'modality', 'windowId']);
    const replay = await app.inject({ method: 'POST', url: '/v1/participants/p-1/checkins', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: reordered });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ replayed: true, attemptNumber: 1, window: { attemptsUsed: 1 } });
    await app.close();
  });

  it('refuses the same attempt id with another selfie payload: 409 SRV_ERR_IDEMPOTENCY_KEY_REUSED, nothing changed', async () => {
    const { app, token } = await setUp(store);
    const first = await postCheckIn(app, token, 'p-1', selfie);
    expect(first.statusCode).toBe(201);
    const changed: [string, unknown][] = [
      ['sample', { ...selfie, sample: sampleWithSimilarity(template, 0.5, 'other-noise') }],
      ['one sample number', { ...selfie, sample: sample.map((value, index) => (index === 7 ? value + 1e-12 : value)) }],
      ['liveness', { ...selfie, capture: { ...selfie.capture, livenessScore: 0.91 } }],
      ['poor light', { ...selfie, capture: { ...selfie.capture, poorLight: true } }],
      ['poor light left out', { ...selfie, capture: { livenessScore: 0.9, device: 'Pixel 4a' } }],
      ['device', { ...selfie, capture: { ...selfie.capture, device: 'Pixel 5' } }],
      ['location', { ...selfie, location: { lat: 51.5001, lon: -0.12, accuracyM: 20 } }],
      ['location accuracy', { ...selfie, location: { ...location, accuracyM: 21 } }],
      ['no location', { ...selfie, location: undefined }],
    ];
    const before = app.checkin.store.changeCount();
    for (const [what, body] of changed) {
      const response = await postCheckIn(app, token, 'p-1', body);
      expect(response.statusCode, what).toBe(409);
      expect(response.json(), what).toEqual({ ...REUSED, message: reusedMessage('a-1') });
    }
    expect(app.checkin.store.changeCount()).toBe(before);
    // The record and the window are as the first request left them; the original still replays.
    const replay = await postCheckIn(app, token, 'p-1', selfie);
    expect(replay.json()).toEqual({ ...first.json(), replayed: true });
    await app.close();
  });

  it('refuses the same attempt id with another call payload, and replays the same call', async () => {
    const { app, token } = await setUp(store);
    expect((await postCall(app, token, call)).statusCode).toBe(201);
    for (const [what, body] of [
      ['duration', { ...call, call: { ...call.call, durationSeconds: 91 } }],
      ['direction', { ...call, call: { ...call.call, direction: 'outbound' } }],
      ['sample', { ...call, sample: unitVector('someone-else') }],
    ] as const) {
      const response = await postCall(app, token, body);
      expect(response.statusCode, what).toBe(409);
      expect(response.json(), what).toEqual({ ...REUSED, message: reusedMessage('c-1') });
    }
    const replay = await postCall(app, token, call);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ replayed: true, attemptNumber: 1 });
    await app.close();
  });

  it('keeps SRV_ERR_ATTEMPT_CONFLICT for an attempt id reused on another window or modality', async () => {
    const { app, token } = await setUp(store);
    await openWindow(app, 'p-1', 'w-2', { openedAt: START });
    expect((await postCheckIn(app, token, 'p-1', selfie)).statusCode).toBe(201);
    const otherWindow = await postCheckIn(app, token, 'p-1', { ...selfie, windowId: 'w-2' });
    expect(otherWindow.statusCode).toBe(409);
    expect(otherWindow.json()).toEqual({
      code: 'SRV_ERR_ATTEMPT_CONFLICT',
      message: "body.attemptId: 'a-1' was already used for a face attempt on window 'w-1'; expected a new attempt id",
      field: 'body.attemptId',
    });
    const otherModality = await postCall(app, token, { ...call, attemptId: 'a-1' });
    expect(otherModality.statusCode).toBe(409);
    expect(otherModality.json().code).toBe('SRV_ERR_ATTEMPT_CONFLICT');
    await app.close();
  });
});

describe('the fingerprint', () => {
  it('is SHA-256 of the canonical form: the same for the same meaning, different for any field the server reads', () => {
    const base = { windowId: 'w', modality: 'face' as const, sample: [0.5, -0.25], livenessScore: 0.9 };
    const reference = attemptFingerprint(base);
    expect(Buffer.from(reference, 'base64')).toHaveLength(32);
    expect(attemptFingerprint({ ...base, sample: Float64Array.from([0.5, -0.25]) })).toEqual(reference);
    expect(attemptFingerprint({ ...base, livenessScore: 0.9000000000000001 })).not.toEqual(reference);
    expect(attemptFingerprint({ ...base, windowId: 'v' })).not.toEqual(reference);
    expect(attemptFingerprint({ ...base, modality: 'voice' })).not.toEqual(reference);
    expect(attemptFingerprint({ ...base, sample: [0.5, -0.25, 0] })).not.toEqual(reference);
    expect(attemptFingerprint({ ...base, device: 'X' })).not.toEqual(reference);
    expect(attemptFingerprint({ ...base, call: { direction: 'inbound', durationSeconds: 1 } })).not.toEqual(reference);
  });
});

it('hashes the documented canonical form byte for byte, however its strings and numbers read', () => {
  // The form as the fingerprint's comment states it, made with JSON.stringify: stored fingerprints stay valid only while the bytes do not change.
  const documented = (attempt: Parameters<typeof attemptFingerprint>[0]) => {
    const { location, call } = attempt;
    const head = JSON.stringify([
      1,
      attempt.windowId,
      attempt.modality,
      attempt.livenessScore,
      attempt.poorLight ?? null,
      attempt.device ?? null,
      location === undefined ? null : [location.lat, location.lon, location.accuracyM ?? null],
      call === undefined ? null : [call.direction, call.durationSeconds],
    ]);
    return createHash('sha256').update(Buffer.concat([Buffer.from(`${head}\n`), Buffer.from(Float64Array.from(attempt.sample).buffer)])).digest('base64');
  };
  const attempts: Parameters<typeof attemptFingerprint>[0][] = [
    { windowId: 'w-1', modality: 'face', sample: [0.5, -0.25, 1e-300], livenessScore: 0.9 },
    { windowId: 'w"1\\\n\u0001', modality: 'voice', sample: [-0], livenessScore: -0, poorLight: false, device: 'Pixel "4a" é', call: { direction: 'outbound', durationSeconds: 1.5e21 } },
    { windowId: 'w\ud800', modality: 'face', sample: Float64Array.from([1, 2]), livenessScore: 1, poorLight: true, location: { lat: -0, lon: 0.1 + 0.2 } },
    { windowId: '≥ 𝑥', modality: 'face', sample: [], livenessScore: 0.123456789, location: { lat: 51.5, lon: -0.12, accuracyM: 20 } },
  ];
  for (const attempt of attempts) expect(attemptFingerprint(attempt)).toBe(documented(attempt));
});

describe('fingerprints in SQLite', () => {
  it('survive a restart: after reopening the file the same payload replays and another is refused', async () => {
    const db = join(tempDir(), 'checkin.db');
    const { app, token } = await setUp('sqlite', db);
    const first = await postCheckIn(app, token, 'p-1', selfie);
    expect(first.statusCode).toBe(201);
    await app.close();

    const reopened = testServer({ ...settings, db });
    const replay = await postCheckIn(reopened, token, 'p-1', selfie);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ ...first.json(), replayed: true });
    const reused = await postCheckIn(reopened, token, 'p-1', { ...selfie, capture: { ...selfie.capture, livenessScore: 0.1 } });
    expect(reused.statusCode).toBe(409);
    expect(reused.json()).toEqual({ ...REUSED, message: reusedMessage('a-1') });
    await reopened.close();
  });

  it('are added to a database written before they existed: old attempts replay as they did, new ones are bound', async () => {
    const db = join(tempDir(), 'checkin.db');
    const { app, token } = await setUp('sqlite', db);
    const old = await postCheckIn(app, token, 'p-1', selfie);
    expect(old.statusCode).toBe(201);
    await app.close();
    // Make the file what an earlier server wrote: the attempts table without its fingerprint column.
    const raw = new Database(db);
    raw.exec('ALTER TABLE attempts DROP COLUMN fingerprint');
    const columns = () => raw.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('attempts')").all().map((column) => column.name);
    expect(columns()).not.toContain('fingerprint');
    raw.close();

    const migrated = testServer({ ...settings, db });
    // The old attempt has no fingerprint: a retry replays on window and modality, as before.
    const oldRetry = await postCheckIn(migrated, token, 'p-1', { ...selfie, capture: { livenessScore: 0.1 } });
    expect(oldRetry.statusCode).toBe(200);
    expect(oldRetry.json()).toEqual({ ...old.json(), replayed: true });
    // New attempts are bound to their payload.
    const fresh = faceCheckIn('w-1', 'a-2', sample);
    expect((await postCheckIn(migrated, token, 'p-1', fresh)).statusCode).toBe(201);
    expect((await postCheckIn(migrated, token, 'p-1', fresh)).statusCode).toBe(200);
    const reused = await postCheckIn(migrated, token, 'p-1', { ...fresh, capture: { livenessScore: 0.5 } });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe('SRV_ERR_IDEMPOTENCY_KEY_REUSED');
    const history = (await migrated.inject({ method: 'GET', url: '/v1/participants/p-1/history', headers: officer })).json();
    expect(history.attempts.map((attempt: { attemptId: string }) => attempt.attemptId)).toEqual(['a-1', 'a-2']);
    await migrated.close();

    const check = new Database(db, { readonly: true });
    const fingerprints = check.prepare<[], { attempt_id: string; fingerprint: Buffer | null }>('SELECT attempt_id, fingerprint FROM attempts ORDER BY seq').all();
    check.close();
    expect(fingerprints.map((row) => [row.attempt_id, row.fingerprint?.length ?? null])).toEqual([
      ['a-1', null],
      ['a-2', 32],
    ]);
  });
});

describe("drive mode's reading of the answers", () => {
  it('maps a replay as before (judged) and a reused key to its own error kind', async () => {
    const { app, token } = await setUp('memory');
    await postCheckIn(app, token, 'p-1', selfie);
    const replay = await postCheckIn(app, token, 'p-1', selfie);
    expect(interpretAttemptReply(replay.statusCode, replay.json())).toEqual({ outcome: 'judged', judgement: replay.json().judgement, similarity: replay.json().similarity });
    const reused = await postCheckIn(app, token, 'p-1', { ...selfie, capture: { livenessScore: 0.2 } });
    expect(interpretAttemptReply(reused.statusCode, reused.json())).toEqual({ outcome: 'server_error', errorKind: 'http_409_idempotency_key_reused' });
    await app.close();
  });
});
