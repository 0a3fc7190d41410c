import { afterAll, describe, expect, it } from 'vitest';
import { createTokenSigner } from '../../server-stub/tokens.ts';
import { enrol, OFFICER_TOKEN, openWindow, removeTempDirs, testServer } from './server-fixtures.ts';

/**
 * Bearer authentication as RFC 7235 and RFC 6750 describe it: every 401 carries a WWW-Authenticate
 * challenge (the realm alone when no bearer token was sent, `error="invalid_token"` with a description
 * when one was sent and cannot be accepted), and the scheme is matched whatever its case.
 */

afterAll(removeTempDirs);

const SECRET = 'a-token-secret-for-tests-only-0123456789';
const URL = '/v1/participants/alice/windows/open';
const REALM_ONLY = 'Bearer realm="checkin-sim"';
const invalidToken = (description: string) => `Bearer realm="checkin-sim", error="invalid_token", error_description="${description}"`;

async function setUp() {
  const app = testServer({ tokenSecret: SECRET });
  const token = await enrol(app, 'alice');
  await openWindow(app, 'alice', 'w-1');
  return { app, token };
}

describe('401 answers', () => {
  it('challenge with WWW-Authenticate: Bearer realm, and error="invalid_token" only when a bearer token was sent', async () => {
    const { app, token } = await setUp();
    const expired = createTokenSigner(Buffer.from(SECRET), OFFICER_TOKEN, 60).issue('alice', Math.floor(Date.now() / 1000) - 120).token;
    const cases: [string | undefined, string, string, string][] = [
      [undefined, REALM_ONLY, 'SRV_ERR_UNAUTHENTICATED', 'headers.authorization: is missing; expected "Bearer <token>"'],
      ['', REALM_ONLY, 'SRV_ERR_UNAUTHENTICATED', 'headers.authorization: is missing; expected "Bearer <token>"'],
      ['Basic YWxpY2U6c2VjcmV0', REALM_ONLY, 'SRV_ERR_TOKEN_INVALID', 'headers.authorization: expected "Bearer <token>"'],
      [token, REALM_ONLY, 'SRV_ERR_TOKEN_INVALID', 'headers.authorization: expected "Bearer <token>"'],
      ['Bearer', invalidToken('no token follows the Bearer scheme'), 'SRV_ERR_TOKEN_INVALID', 'headers.authorization: has no token; expected "Bearer <token>"'],
      [
        'Bearer garbage',
        invalidToken('the token is malformed or its signature does not match'),
        'SRV_ERR_TOKEN_INVALID',
        'headers.authorization: the token is not one this server signed; expected a token from enrolment or the officer token',
      ],
      [
        `bearer ${token}x`,
        invalidToken('the token is malformed or its signature does not match'),
        'SRV_ERR_TOKEN_INVALID',
        'headers.authorization: the token is not one this server signed; expected a token from enrolment or the officer token',
      ],
      [
        `Bearer ${expired}`,
        invalidToken('the token has expired'),
        'SRV_ERR_TOKEN_EXPIRED',
        'headers.authorization: the token has expired; expected a current token (enrol again for a new one)',
      ],
    ];
    for (const [authorization, challenge, code, message] of cases) {
      const response = await app.inject({ method: 'GET', url: URL, headers: authorization === undefined ? {} : { authorization } });
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.headers['www-authenticate'], String(authorization)).toBe(challenge);
      expect(response.json()).toEqual({ code, message, field: 'headers.authorization' });
    }
    await app.close();
  });

  it('challenge on every route that takes a token, officer and admin routes included', async () => {
    const { app } = await setUp();
    for (const [method, url] of [
      ['POST', '/v1/participants'],
      ['POST', '/v1/windows/close-due'],
      ['GET', '/v1/participants/alice/status'],
      ['PUT', '/v1/admin/faults'],
      ['POST', '/v1/participants/alice/checkins'],
    ] as const) {
      const response = await app.inject({ method, url, headers: { authorization: 'Bearer nope' } });
      expect(response.statusCode, url).toBe(401);
      expect(response.headers['www-authenticate'], url).toBe(invalidToken('the token is malformed or its signature does not match'));
    }
    await app.close();
  });

  it('are the only answers with a challenge: 403 and 200 carry none', async () => {
    const { app, token } = await setUp();
    const forbidden = await app.inject({ method: 'GET', url: '/v1/participants/alice/status', headers: { authorization: `Bearer ${token}` } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers['www-authenticate']).toBeUndefined();
    const ok = await app.inject({ method: 'GET', url: URL, headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['www-authenticate']).toBeUndefined();
    await app.close();
  });
});

describe('the authorization scheme', () => {
  it('is matched case-insensitively, with one or more spaces before the token (RFC 7235 §2.1)', async () => {
    const { app, token } = await setUp();
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      for (const gap of [' ', '   ']) {
        const asParticipant = await app.inject({ method: 'GET', url: URL, headers: { authorization: `${scheme}${gap}${token}` } });
        expect(asParticipant.statusCode, `${scheme}${gap}`).toBe(200);
        const asOfficer = await app.inject({ method: 'GET', url: '/v1/participants/alice/status', headers: { authorization: `${scheme}${gap}${OFFICER_TOKEN}` } });
        expect(asOfficer.statusCode, `${scheme}${gap}`).toBe(200);
      }
    }
    await app.close();
  });

  it('is still the only scheme: Basic, Token or a bare token is refused with 401', async () => {
    const { app, token } = await setUp();
    for (const authorization of [`Basic ${token}`, `Token ${token}`, `Bearertoken ${token}`, `${token}`]) {
      const response = await app.inject({ method: 'GET', url: URL, headers: { authorization } });
      expect(response.statusCode, authorization).toBe(401);
      expect(response.json()).toEqual({ code: 'SRV_ERR_TOKEN_INVALID', message: 'headers.authorization: expected "Bearer <token>"', field: 'headers.authorization' });
      expect(response.headers['www-authenticate']).toBe(REALM_ONLY);
    }
    await app.close();
  });
});
