import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ServerError } from './errors.ts';
import type { TokenSigner } from './tokens.ts';

/**
 * Who may call a route, declared in its config:
 * - officer: the officer token only (a participant token gets 403);
 * - participant: only the participant named in the path (another participant's token gets 403,
 *   and so does the officer token: an officer cannot answer a prompt for someone);
 * - participant-or-officer: either.
 */
export type Access = 'officer' | 'participant' | 'participant-or-officer';

const FIELD = 'headers.authorization';

/** The protection space every 401 names (RFC 7235 §2.2). */
const REALM = 'checkin-sim';

/**
 * The `WWW-Authenticate` challenge of a 401 (RFC 6750 §3): the realm alone when the request carried
 * no bearer token (no header, or another scheme), and `error="invalid_token"` with a description
 * when it carried one the server cannot accept. The description is one of the fixed texts below, so it
 * never needs escaping inside its quoted string.
 */
export function bearerChallenge(invalidToken?: string): string {
  return invalidToken === undefined ? `Bearer realm="${REALM}"` : `Bearer realm="${REALM}", error="invalid_token", error_description="${invalidToken}"`;
}

function unauthenticated(code: 'SRV_ERR_UNAUTHENTICATED' | 'SRV_ERR_TOKEN_INVALID' | 'SRV_ERR_TOKEN_EXPIRED', message: string, invalidToken?: string): ServerError {
  return new ServerError(code, message, FIELD, undefined, { 'www-authenticate': bearerChallenge(invalidToken) });
}

/**
 * Splits `Authorization: <scheme> <credentials>`. The scheme is matched case-insensitively
 * (RFC 7235 §2.1: `bearer`, `Bearer` and `BEARER` are one scheme) and may be followed by more than one space.
 */
function parseAuthorization(header: string): { scheme: string; credentials: string } {
  const trimmed = header.trim();
  let schemeEnd = 0;
  while (schemeEnd < trimmed.length && !isSpaceOrTab(trimmed.charCodeAt(schemeEnd))) schemeEnd++;
  let credentialsStart = schemeEnd;
  while (credentialsStart < trimmed.length && isSpaceOrTab(trimmed.charCodeAt(credentialsStart))) credentialsStart++;
  return { scheme: trimmed.slice(0, schemeEnd).toLowerCase(), credentials: trimmed.slice(credentialsStart) };
}

function isSpaceOrTab(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

export function authenticate(tokens: TokenSigner) {
  return function checkToken(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const access = request.routeOptions.config.access;
    if (access === undefined) return done();
    const header = request.headers.authorization;
    if (header === undefined || header.trim() === '') {
      return done(unauthenticated('SRV_ERR_UNAUTHENTICATED', 'is missing; expected "Bearer <token>"'));
    }
    const { scheme, credentials } = parseAuthorization(header);
    if (scheme !== 'bearer') return done(unauthenticated('SRV_ERR_TOKEN_INVALID', 'expected "Bearer <token>"'));
    if (credentials === '') return done(unauthenticated('SRV_ERR_TOKEN_INVALID', 'has no token; expected "Bearer <token>"', 'no token follows the Bearer scheme'));
    const token = credentials;
    if (tokens.isOfficer(token)) {
      return done(access === 'participant' ? new ServerError('SRV_ERR_FORBIDDEN_ROLE', 'the officer token cannot act as a participant; expected the participant token', FIELD) : undefined);
    }
    const check = tokens.verify(token, Math.floor(Date.now() / 1000));
    if (!check.ok) {
      return done(
        check.reason === 'expired'
          ? unauthenticated('SRV_ERR_TOKEN_EXPIRED', 'the token has expired; expected a current token (enrol again for a new one)', 'the token has expired')
          : unauthenticated(
              'SRV_ERR_TOKEN_INVALID',
              'the token is not one this server signed; expected a token from enrolment or the officer token',
              'the token is malformed or its signature does not match',
            ),
      );
    }
    if (access === 'officer') return done(new ServerError('SRV_ERR_FORBIDDEN_ROLE', 'a participant token cannot use this route; expected the officer token', FIELD));
    const pathId = (request.params as { id?: string }).id;
    if (check.participantId !== pathId) {
      return done(new ServerError('SRV_ERR_FORBIDDEN_PARTICIPANT', "the token belongs to another participant; expected the token of the participant in the path", 'params.id'));
    }
    done();
  };
}
