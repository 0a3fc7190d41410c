import { afterAll, describe, expect, it } from 'vitest';
import { createTokenSigner } from '../../server-stub/tokens.ts';
import {
  bearer,
  enrol,
  errorBody,
  faceCheckIn,
  officer,
  OFFICER_TOKEN,
  openWindow,
  postCheckIn,
  removeTempDirs,
  testServer,
  unitVector,
} from './server-fixtures.ts';

afterAll(removeTempDirs);

const SECRET = 'a-token-secret-for-tests-only-0123456789';

describe('tokens and access', () => {
  const setUp = async () => {
    const app = testServer({ tokenSecret: SECRET });
    const tokenA = await enrol(app, 'alice');
    const tokenB = await enrol(app, 'bob');
    await openWindow(app, 'alice', 'w-1');
    await openWindow(app, 'bob', 'w-1');
    return { app, tokenA, tokenB };
  };

  it("refuses participant A's token on participant B's routes with 403", async () => {
    const { app, tokenA } = await setUp();
    const before = app.checkin.store.changeCount();
    const checkIn = await postCheckIn(app, tokenA, 'bob', faceCheckIn('w-1', 'a-1', unitVector('bob')));
    expect(checkIn.statusCode).toBe(403);
    expect(errorBody(checkIn)).toMatchObject({ code: 'SRV_ERR_FORBIDDEN_PARTICIPANT', field: 'params.id' });
    const call = await app.inject({ method: 'POST', url: '/v1/participants/bob/calls', headers: bearer(tokenA), payload: { windowId: 'w-1', attemptId: 'c', sample: unitVector('bob'), call: { direction: 'inbound', durationSeconds: 1 } } });
    expect(call.statusCode).toBe(403);
    const read = await app.inject({ method: 'GET', url: '/v1/participants/bob/windows/open', headers: bearer(tokenA) });
    expect(read.statusCode).toBe(403);
    expect(app.checkin.store.changeCount()).toBe(before);
    await app.close();
  });

  it('refuses a missing, malformed, forged or expired token with 401', async () => {
    const { app, tokenA } = await setUp();
    const url = '/v1/participants/alice/windows/open';
    const [, id, expiry, signature] = tokenA.split('.') as [string, string, string, string];
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    const otherServer = createTokenSigner(Buffer.from('some-other-secret-of-32-characters!!'), OFFICER_TOKEN, 3600).issue('alice', Math.floor(Date.now() / 1000)).token;
    const expired = createTokenSigner(Buffer.from(SECRET), OFFICER_TOKEN, 60).issue('alice', Math.floor(Date.now() / 1000) - 120).token;
    const cases: [Record<string, string>, string][] = [
      [{}, 'SRV_ERR_UNAUTHENTICATED'],
      [{ authorization: '' }, 'SRV_ERR_UNAUTHENTICATED'],
      [{ authorization: tokenA }, 'SRV_ERR_TOKEN_INVALID'],
      [{ authorization: 'Basic YWxpY2U6c2VjcmV0' }, 'SRV_ERR_TOKEN_INVALID'],
      [bearer('garbage'), 'SRV_ERR_TOKEN_INVALID'],
      [bearer(`v1.${id}.${expiry}.${flipped}`), 'SRV_ERR_TOKEN_INVALID'],
      [bearer(`v1.${id}.${Number(expiry) + 1000}.${signature}`), 'SRV_ERR_TOKEN_INVALID'],
      [bearer(`v1.bob.${expiry}.${signature}`), 'SRV_ERR_TOKEN_INVALID'],
      [bearer(`v1.${id}.${expiry}.${'é'.repeat(43)}`), 'SRV_ERR_TOKEN_INVALID'],
      [bearer(otherServer), 'SRV_ERR_TOKEN_INVALID'],
      [bearer(`${OFFICER_TOKEN}x`), 'SRV_ERR_TOKEN_INVALID'],
      [bearer(expired), 'SRV_ERR_TOKEN_EXPIRED'],
    ];
    for (const [headers, code] of cases) {
      const response = await app.inject({ method: 'GET', url, headers });
      expect(response.statusCode, JSON.stringify(headers)).toBe(401);
      expect(errorBody(response), JSON.stringify(headers)).toMatchObject({ code, field: 'headers.authorization' });
    }
    await app.close();
  });

  it('keeps officers from answering for a participant, and participants from officer and admin routes', async () => {
    const { app, tokenA } = await setUp();
    const asOfficer = await postCheckIn(app, OFFICER_TOKEN, 'alice', faceCheckIn('w-1', 'a-1', unitVector('alice')));
    expect(asOfficer.statusCode).toBe(403);
    expect(errorBody(asOfficer).code).toBe('SRV_ERR_FORBIDDEN_ROLE');
    for (const [method, url] of [
      ['POST', '/v1/participants/alice/windows'],
      ['POST', '/v1/windows/close-due'],
      ['GET', '/v1/admin/faults'],
      ['PUT', '/v1/admin/faults'],
    ] as const) {
      const response = await app.inject({ method, url, headers: bearer(tokenA), payload: method === 'POST' || method === 'PUT' ? {} : undefined });
      expect(response.statusCode, url).toBe(403);
      expect(errorBody(response).code, url).toBe('SRV_ERR_FORBIDDEN_ROLE');
    }
    await app.close();
  });

  it('limits body size: 413 over the limit, bulk enrolment has its own', async () => {
    const app = testServer({ bodyLimitBytes: 4096, bulk: { bodyLimitBytes: 1024 * 1024 } });
    const big = { participantId: 'p-1', template: unitVector('p-1'), timeZone: 'x'.repeat(5000) };
    const tooLarge = await app.inject({ method: 'POST', url: '/v1/participants', headers: officer, payload: big });
    expect(tooLarge.statusCode).toBe(413);
    expect(errorBody(tooLarge)).toMatchObject({ code: 'SRV_ERR_BODY_TOO_LARGE', field: 'body' });
    const participants = Array.from({ length: 20 }, (_, index) => ({ participantId: `b-${index}`, template: unitVector(`b-${index}`) }));
    const bulk = await app.inject({ method: 'POST', url: '/v1/participants/bulk', headers: officer, payload: { participants } });
    expect(bulk.statusCode).toBe(201);
    await app.close();
  });

  it('never returns a stack trace or internal message', async () => {
    const { app, tokenA } = await setUp();
    app.checkin.store.insertAttempt = () => {
      throw new Error('disk on fire at /var/lib/secret.db');
    };
    const response = await postCheckIn(app, tokenA, 'alice', faceCheckIn('w-1', 'a-1', unitVector('alice')));
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ code: 'SRV_ERR_INTERNAL', message: 'an unexpected error; it has been logged' });
    expect(response.body).not.toMatch(/disk|secret|at |\.ts/);
    for (const payload of ['{"a":', '{"__proto__":{"x":1}}', '']) {
      const malformed = await app.inject({ method: 'POST', url: '/v1/participants', headers: { ...officer, 'content-type': 'application/json' }, payload });
      expect(malformed.statusCode).toBe(400);
      expect(errorBody(malformed).code).toBe('SRV_ERR_MALFORMED_JSON');
      expect(malformed.body).not.toMatch(/ at |node_modules|Error/);
    }
    await app.close();
  });
});
