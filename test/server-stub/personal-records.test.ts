import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../server-stub/build-server.ts';
import { createClock, createRetentionClock } from '../../server-stub/clock.ts';
import { CASE_NUMBER_PATTERN, luhnCheckDigit, PHONE_NUMBER_PATTERN, syntheticCaseNumber, type PersonalRecord } from '../../server-stub/personal-record.ts';
import {
  bearer,
  enrol,
  errorBody,
  faceCheckIn,
  handClock,
  officer,
  OFFICER_TOKEN,
  openWindow,
  postCheckIn,
  removeTempDirs,
  STORE_KINDS,
  tempDir,
  testServer,
  unitVector,
} from './server-fixtures.ts';

afterAll(removeTempDirs);

const DAY = 86_400_000;
const RECORD: PersonalRecord = {
  name: 'Ana María Pérez-O’Connor',
  dateOfBirth: '1987-03-14',
  language: 'es',
  phoneNumber: '(713) 555-0142',
  homeAddress: { street: '4821 Maple Ave. #3', city: 'East Kaylaborough', region: 'TX', postalCode: '77002' },
  office: 'Houston field office',
  caseNumber: 'SYN-00421733-7',
};
/** The record's values that must never show outside the officer's read. */
const SECRETS = [RECORD.name, RECORD.dateOfBirth, RECORD.phoneNumber, RECORD.homeAddress.street, RECORD.homeAddress.city, RECORD.office, RECORD.caseNumber];

function record(changes: Record<string, unknown> = {}, address: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...structuredClone(RECORD), ...changes, homeAddress: { ...RECORD.homeAddress, ...address } };
}

async function enrolWith(app: FastifyInstance, participantId: string, personalRecord: unknown, extra: Record<string, unknown> = {}) {
  return app.inject({ method: 'POST', url: '/v1/participants', headers: officer, payload: { participantId, template: unitVector(participantId), personalRecord, ...extra } });
}

const readRecord = (app: FastifyInstance, participantId: string, headers: Record<string, string> = officer) =>
  app.inject({ method: 'GET', url: `/v1/participants/${participantId}/record`, headers });
const metricsOf = async (app: FastifyInstance) => (await app.inject({ method: 'GET', url: '/metrics' })).body;

describe('synthetic case numbers', () => {
  it('end in the Luhn check digit of their eight digits', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3); // the textbook example
    expect(syntheticCaseNumber(421_733)).toBe('SYN-00421733-7');
    expect(syntheticCaseNumber(0)).toBe('SYN-00000000-0');
    expect(() => syntheticCaseNumber(100_000_000)).toThrow(RangeError);
    expect(new RegExp(CASE_NUMBER_PATTERN).test(RECORD.caseNumber)).toBe(true);
  });
});

describe.each(STORE_KINDS)('personal records (%s store)', (store) => {
  it('enrols a participant with a personal record and shows it to the officer only', async () => {
    const app = testServer({ clock: { factor: 1, startMs: 5_000 } }, store);
    const enrolled = await enrolWith(app, 'p-1', RECORD, { timeZone: 'eastern' });
    expect(enrolled.statusCode).toBe(201);
    const { token, ...reply } = enrolled.json<{ participantId: string; token: string; tokenExpiresAt: number }>();
    expect(Object.keys(reply).sort()).toEqual(['participantId', 'tokenExpiresAt']);
    expect(reply.participantId).toBe('p-1');
    expect(token).toMatch(/^v1\.p-1\.\d+\./);
    const enrolledAt = app.checkin.store.participant('p-1')!.enrolledAt;

    const read = await readRecord(app, 'p-1');
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ participantId: 'p-1', state: 'held', personalRecord: RECORD, deleteAfter: enrolledAt + 30 * DAY });
    expect(app.checkin.store.counts().personalRecords).toBe(1);

    // Its own participant token may not read it, nor may another participant's.
    const other = await enrol(app, 'p-2');
    for (const participantToken of [token, other]) {
      const refused = await readRecord(app, 'p-1', bearer(participantToken));
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({
        code: 'SRV_ERR_FORBIDDEN_ROLE',
        message: 'headers.authorization: a participant token cannot use this route; expected the officer token',
        field: 'headers.authorization',
      });
    }
    const anonymous = await app.inject({ method: 'GET', url: '/v1/participants/p-1/record' });
    expect(anonymous.statusCode).toBe(401);
    expect(errorBody(anonymous)).toEqual({ code: 'SRV_ERR_UNAUTHENTICATED', message: 'headers.authorization: is missing; expected "Bearer <token>"', field: 'headers.authorization' });

    // No other route shows it, to anyone.
    for (const url of ['/v1/participants/p-1/status', '/v1/participants/p-1/history', '/v1/participants/p-1/windows/open']) {
      const body = (await app.inject({ method: 'GET', url, headers: url.endsWith('open') ? bearer(token) : officer })).body;
      for (const secret of SECRETS) expect(body, url).not.toContain(secret);
    }
    expect((await readRecord(app, 'p-2')).json()).toEqual({ participantId: 'p-2', state: 'none' });
    const ghost = await readRecord(app, 'ghost');
    expect(ghost.statusCode).toBe(404);
    expect(ghost.json()).toEqual({ code: 'SRV_ERR_PARTICIPANT_NOT_FOUND', message: "params.id: no participant 'ghost' is enrolled; expected an enrolled id", field: 'params.id' });
    await app.close();
  });

  it('enrols personal records in bulk, all or none', async () => {
    const app = testServer({}, store);
    const participants = Array.from({ length: 20 }, (_, index) => ({
      participantId: `b-${index}`,
      template: unitVector(`b-${index}`),
      personalRecord: record({ name: `Participant Number ${'abcdefghijklmnopqrst'[index]}`, caseNumber: syntheticCaseNumber(index) }),
    }));
    const response = await app.inject({ method: 'POST', url: '/v1/participants/bulk', headers: officer, payload: { participants } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ enrolled: 20 });
    expect(app.checkin.store.counts().personalRecords).toBe(20);
    expect((await readRecord(app, 'b-7')).json().personalRecord).toEqual(participants[7]!.personalRecord);

    const bad = [0, 1, 2].map((index) => ({ participantId: `c-${index}`, template: unitVector(`c-${index}`), personalRecord: record({ caseNumber: syntheticCaseNumber(100 + index) }) }));
    bad[2]!.personalRecord.caseNumber = 'SYN-00000102-0';
    const refused = await app.inject({ method: 'POST', url: '/v1/participants/bulk', headers: officer, payload: { participants: bad } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({
      code: 'SRV_ERR_VALIDATION',
      message: 'body.participants[2].personalRecord.caseNumber: expected a synthetic case number SYN-NNNNNNNN-C whose last digit C is the Luhn check digit of the eight before it',
      field: 'body.participants[2].personalRecord.caseNumber',
    });
    delete (bad[1]!.personalRecord as Partial<PersonalRecord>).name;
    const missing = await app.inject({ method: 'POST', url: '/v1/participants/bulk', headers: officer, payload: { participants: bad } });
    expect(missing.json()).toEqual({ code: 'SRV_ERR_VALIDATION', message: 'body.participants[1].personalRecord.name: is required', field: 'body.participants[1].personalRecord.name' });
    expect(app.checkin.store.counts()).toMatchObject({ participants: 20, personalRecords: 20 });
    expect(app.checkin.store.participant('c-0')).toBeUndefined();
    await app.close();
  });

  it('deletes the personal record, time zone, device model and location at the end of retention', async () => {
    // Both retention periods one day.
    const clock = handClock(0);
    const app = testServer({ personalData: { retentionDays: 1 }, location: { retentionDays: 1 } }, store, { clock });
    const token = (await enrolWith(app, 'p-1', RECORD, { timeZone: 'eastern' })).json<{ token: string }>().token;
    const window = (await openWindow(app, 'p-1', 'w-1')).json<{ closesAt: number }>();
    const template = unitVector('p-1');
    const checkIn = faceCheckIn('w-1', 'a-1', template, { capture: { livenessScore: 0.9, device: 'pixel-8' }, location: { lat: 29.7604, lon: -95.3698, accuracyM: 5 } });
    expect((await postCheckIn(app, token, 'p-1', checkIn)).statusCode).toBe(201);
    // A second participant whose window closes three days on keeps its record until a day after that.
    expect((await enrolWith(app, 'p-2', record({ caseNumber: syntheticCaseNumber(2) }))).statusCode).toBe(201);
    const later = (await openWindow(app, 'p-2', 'w-1', { openedAt: 3 * DAY })).json<{ closesAt: number }>();

    expect((await readRecord(app, 'p-1')).json()).toEqual({ participantId: 'p-1', state: 'held', personalRecord: RECORD, deleteAfter: window.closesAt + DAY });
    expect((await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer })).json().timeZone).toBe('eastern');
    const attempt = (await app.inject({ method: 'GET', url: '/v1/participants/p-1/history', headers: officer })).json().attempts[0];
    expect(attempt).toMatchObject({ device: 'pixel-8', location: { lat: 29.76, lon: -95.37 } });

    // No housekeeping here: the officer's read itself deletes what is past retention before it answers.
    clock.set(window.closesAt + DAY);
    expect((await readRecord(app, 'p-1')).json()).toMatchObject({ state: 'held' });
    clock.set(window.closesAt + DAY + 1);
    expect((await readRecord(app, 'p-1')).json()).toEqual({ participantId: 'p-1', state: 'none' });
    const status = await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer });
    expect(status.statusCode).toBe(200);
    expect(status.json()).not.toHaveProperty('timeZone');
    const history = (await app.inject({ method: 'GET', url: '/v1/participants/p-1/history', headers: officer })).json();
    expect(history.attempts).toHaveLength(1);
    expect(history.attempts[0]).not.toHaveProperty('device');
    expect(history.attempts[0]).not.toHaveProperty('location');
    expect(history.attempts[0]).toMatchObject({ attemptId: 'a-1', judgement: 'match' });
    expect((await readRecord(app, 'p-2')).json()).toMatchObject({ state: 'held', deleteAfter: later.closesAt + DAY });

    const metrics = await metricsOf(app);
    expect(metrics).toContain('checkin_personal_records 1\n');
    expect(metrics).toContain('checkin_personal_records_deleted_total 1\n');
    expect(metrics).toContain('checkin_location_points 0\n');
    for (const [kind, count] of [['location', 1], ['device_model', 1], ['personal_record', 1], ['time_zone', 1]] as const) {
      expect(metrics).toContain(`checkin_personal_data_deleted_total{kind="${kind}"} ${count}\n`);
    }
    expect(app.checkin.store.counts()).toMatchObject({ participants: 2, personalRecords: 1, locationPoints: 0 });
    await app.close();
  });
});

describe('personal records in a SQLite file', () => {
  it('survive a restart with the database', async () => {
    const db = join(tempDir(), 'records.db');
    const first = testServer({ db });
    expect((await enrolWith(first, 'p-1', RECORD)).statusCode).toBe(201);
    await first.close();
    const second = testServer({ db });
    expect((await readRecord(second, 'p-1')).json()).toMatchObject({ state: 'held', personalRecord: RECORD });
    expect(second.checkin.store.counts().personalRecords).toBe(1);
    expect(await metricsOf(second)).toContain('checkin_personal_records 1\n');
    await second.close();
  });
});

describe('retention after a restart with an earlier clock start (SQLite)', () => {
  it('counts from the newest instant the store has seen, so a restart never keeps personal data longer', async () => {
    const db = join(tempDir(), 'retention.db');
    const retention = { personalData: { retentionDays: 2 }, location: { retentionDays: 2 } };
    // First run: the clock at virtual day 100, wall speed.
    const first = testServer({ db, clock: { factor: 1, startMs: 100 * DAY }, ...retention });
    const token = (await enrolWith(first, 'p-1', RECORD, { timeZone: 'pacific' })).json<{ token: string }>().token;
    const window = (await openWindow(first, 'p-1', 'w-1')).json<{ closesAt: number }>();
    const checkIn = faceCheckIn('w-1', 'a-1', unitVector('p-1'), { capture: { livenessScore: 0.9, device: 'iphone-se' }, location: { lat: 1.23, lon: 4.56, accuracyM: 5 } });
    expect((await postCheckIn(first, token, 'p-1', checkIn)).statusCode).toBe(201);
    const newest = first.checkin.clock.now();
    await first.close();

    // Second run: the clock started at 0 again. Retention counted on that clock would keep p-1's data
    // for another 100 days; it must go in about 2.2.
    const clock = handClock(0);
    const second = testServer({ db, ...retention }, 'memory', { clock });
    const offset = Math.round(Number(/^checkin_retention_clock_offset_seconds (\S+)$/m.exec(await metricsOf(second))![1]) * 1000);
    expect(offset).toBeGreaterThan(100 * DAY - 60_000);
    expect(offset).toBeLessThanOrEqual(newest);
    const held = (await readRecord(second, 'p-1')).json<{ state: string; deleteAfter: number }>();
    expect(held.state).toBe('held');
    expect(held.deleteAfter).toBe(window.closesAt + 2 * DAY - offset);
    expect(held.deleteAfter).toBeLessThan(2.2 * DAY);
    expect((await second.inject({ method: 'GET', url: '/v1/participants/p-1/history', headers: officer })).json().attempts[0]).toMatchObject({ device: 'iphone-se' });

    // What this run stores is stamped on its own clock: not deleted early for the offset.
    const token2 = (await enrolWith(second, 'p-2', record({ caseNumber: syntheticCaseNumber(2) }))).json<{ token: string }>().token;
    await openWindow(second, 'p-2', 'w-1');
    await openWindow(second, 'p-2', 'w-2', { openedAt: 2 * DAY }); // keeps p-2's record two days past p-1's
    const located = faceCheckIn('w-1', 'a-1', unitVector('p-2'), { location: { lat: 7.89, lon: 1.01, accuracyM: 5 } });
    expect((await postCheckIn(second, token2, 'p-2', located)).statusCode).toBe(201);
    expect((await second.inject({ method: 'GET', url: '/v1/participants/p-2/history', headers: officer })).json().attempts[0].location).toEqual({ lat: 7.89, lon: 1.01 });

    clock.set(held.deleteAfter);
    expect((await readRecord(second, 'p-1')).json().state).toBe('held');
    clock.set(held.deleteAfter + 1);
    expect((await readRecord(second, 'p-1')).json().state).toBe('none');
    const history = (await second.inject({ method: 'GET', url: '/v1/participants/p-1/history', headers: officer })).json();
    expect(history.attempts[0]).not.toHaveProperty('device');
    expect(history.attempts[0]).not.toHaveProperty('location');
    expect((await second.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer })).json()).not.toHaveProperty('timeZone');
    expect((await readRecord(second, 'p-2')).json().state).toBe('held');
    await second.close();

    // A third run, wound back again: still none of p-1's data, and the offset keeps up with the second run's time.
    const third = testServer({ db, clock: { factor: 1, startMs: 0 }, ...retention });
    expect((await readRecord(third, 'p-1')).json()).toEqual({ participantId: 'p-1', state: 'none' });
    expect(Number(/^checkin_retention_clock_offset_seconds (\S+)$/m.exec(await metricsOf(third))![1]) * 1000).toBeGreaterThan(102 * DAY);
    expect(third.checkin.store.counts()).toMatchObject({ personalRecords: 1, locationPoints: 0 });
    await third.close();
  });

  it('is the virtual clock plus the offset', () => {
    const clock = createClock({ factor: 1, startMs: 1_000 });
    const retention = createRetentionClock(clock, 5 * DAY);
    expect(retention.offset).toBe(5 * DAY);
    expect(retention.now() - clock.now()).toBeGreaterThanOrEqual(5 * DAY);
    expect(retention.now() - clock.now()).toBeLessThanOrEqual(5 * DAY + 5);
  });
});

describe('personal record schema', () => {
  const tooLong = (length: number) => 'A'.repeat(length);
  const pattern = (field: string, regex: string) => ({ field, message: `${field}: expected a string matching ${regex}` });
  const cases: [string, unknown, { field: string; message: string }][] = [
    ['a missing name', (() => { const { name: _name, ...rest } = record(); return rest; })(), { field: 'body.personalRecord.name', message: 'body.personalRecord.name: is required' }],
    ['a missing address', (() => { const { homeAddress: _address, ...rest } = record(); return rest; })(), { field: 'body.personalRecord.homeAddress', message: 'body.personalRecord.homeAddress: is required' }],
    ['a date in another format', record({ dateOfBirth: '14/03/1987' }), pattern('body.personalRecord.dateOfBirth', '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')],
    ['a day that does not exist', record({ dateOfBirth: '1987-02-29' }), { field: 'body.personalRecord.dateOfBirth', message: 'body.personalRecord.dateOfBirth: expected a day of the calendar (YYYY-MM-DD) from 1900-01-01 to today' }],
    ['a date of birth in the future', record({ dateOfBirth: '2999-01-01' }), { field: 'body.personalRecord.dateOfBirth', message: 'body.personalRecord.dateOfBirth: expected a day of the calendar (YYYY-MM-DD) from 1900-01-01 to today' }],
    ['a real-looking case number', record({ caseNumber: 'CR-2023-004217' }), pattern('body.personalRecord.caseNumber', CASE_NUMBER_PATTERN)],
    ['a case number with a wrong check digit', record({ caseNumber: 'SYN-00421733-6' }), { field: 'body.personalRecord.caseNumber', message: 'body.personalRecord.caseNumber: expected a synthetic case number SYN-NNNNNNNN-C whose last digit C is the Luhn check digit of the eight before it' }],
    ['a phone number outside the fictional block', record({ phoneNumber: '(713) 555-2368' }), pattern('body.personalRecord.phoneNumber', PHONE_NUMBER_PATTERN)],
    ['a name too long', record({ name: tooLong(121) }), { field: 'body.personalRecord.name', message: 'body.personalRecord.name: expected a string of at most 120 characters' }],
    ['a street too long', record({}, { street: `1 ${tooLong(99)}` }), { field: 'body.personalRecord.homeAddress.street', message: 'body.personalRecord.homeAddress.street: expected a string of at most 100 characters' }],
    ['an empty name', record({ name: '' }), { field: 'body.personalRecord.name', message: 'body.personalRecord.name: expected a string of at least 1 characters' }],
    ['a name as a number', record({ name: 42 }), { field: 'body.personalRecord.name', message: 'body.personalRecord.name: expected string' }],
    ['an address as a string', { ...record(), homeAddress: '4821 Maple Ave' }, { field: 'body.personalRecord.homeAddress', message: 'body.personalRecord.homeAddress: expected object' }],
    ['a record as a list', [RECORD], { field: 'body.personalRecord', message: 'body.personalRecord: expected object' }],
    ['a postal code as a number', record({}, { postalCode: 77002 }), { field: 'body.personalRecord.homeAddress.postalCode', message: 'body.personalRecord.homeAddress.postalCode: expected string' }],
    ['a field the schema does not know', record({ ssn: '078-05-1120' }), { field: 'body.personalRecord.ssn', message: 'body.personalRecord.ssn: is not a known field; remove it' }],
    ['markup in a name', record({ name: '<script>alert(1)</script>' }), pattern('body.personalRecord.name', "^[\\p{L}\\p{M}][\\p{L}\\p{M} '’.,-]*$")],
    ['SQL in a city', record({}, { city: "x'); DROP TABLE participants;--" }), pattern('body.personalRecord.homeAddress.city', "^[\\p{L}\\p{M}][\\p{L}\\p{M}\\p{N} '’.-]*$")],
  ];

  it.each(cases)('refuses %s with 400, naming the field', async (_what, personalRecord, expected) => {
    const app = testServer();
    const response = await enrolWith(app, 'p-1', personalRecord);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ code: 'SRV_ERR_VALIDATION', ...expected });
    expect(app.checkin.store.counts()).toMatchObject({ participants: 0, personalRecords: 0 });
    await app.close();
  });

  it.each(['Zoë Saldaña', '李小龍', 'Ngũgĩ wa Thiong’o', 'Мария Иванова', 'محمد بن سلمان', 'Ana María de la Cruz Ñ.', 'O’Brien-Smith, Jr.', 'Á'.repeat(120)])('accepts the name %s in any script', async (name) => {
    const app = testServer();
    expect((await enrolWith(app, 'p-1', record({ name }))).statusCode).toBe(201);
    expect((await readRecord(app, 'p-1')).json().personalRecord.name).toBe(name);
    await app.close();
  });
});

describe('a personal record stays out of logs and metrics', () => {
  it('is never written to the logs, not even with an internal error that carries it', async () => {
    const lines: string[] = [];
    const app = buildServer({ officerToken: OFFICER_TOKEN, housekeepingIntervalMs: 0, logLevel: 'debug' }, { logStream: { write: (line) => void lines.push(line) } });
    expect((await enrolWith(app, 'p-1', RECORD)).statusCode).toBe(201);
    const bulk = { participants: [{ participantId: 'p-2', template: unitVector('p-2'), personalRecord: record({ caseNumber: syntheticCaseNumber(2) }) }] };
    expect((await app.inject({ method: 'POST', url: '/v1/participants/bulk', headers: officer, payload: bulk })).statusCode).toBe(201);
    expect((await enrolWith(app, 'p-3', record({ caseNumber: 'SYN-00421733-1' }))).statusCode).toBe(400);
    expect((await readRecord(app, 'p-1')).statusCode).toBe(200);
    app.checkin.store.insertParticipants = () => {
      throw Object.assign(new Error('boom'), { personalRecord: RECORD, participant: { personalRecord: RECORD } });
    };
    expect((await enrolWith(app, 'p-4', RECORD)).statusCode).toBe(500);
    await app.close();
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(8);
    expect(log).toContain('boom');
    expect(log).toContain('[Redacted]');
    for (const secret of [...SECRETS, 'SYN-0']) expect(log).not.toContain(secret);
  });

  it('puts no value of a record in a metric label', async () => {
    const app = testServer();
    await enrolWith(app, 'p-1', RECORD, { timeZone: 'eastern' });
    await readRecord(app, 'p-1');
    await enrolWith(app, 'p-2', record({ caseNumber: 'bad' }));
    const metrics = await metricsOf(app);
    expect(metrics).toContain('checkin_personal_records 1\n');
    expect(metrics).toContain('route="/v1/participants/:id/record"');
    for (const secret of SECRETS) expect(metrics).not.toContain(secret);
    const labelValues = [...metrics.matchAll(/="([^"]*)"/g)].map(([, value]) => value!);
    expect(labelValues.length).toBeGreaterThan(50);
    for (const value of labelValues) expect(value).not.toMatch(/SYN-|555-01|eastern|p-1/);
    await app.close();
  });
});
