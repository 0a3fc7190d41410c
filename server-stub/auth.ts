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

export function authenticate(tokens: TokenSigner) {
  return function checkToken(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const access = request.routeOptions.config.access;
    if (access === undefined) return done();
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      return done(new ServerError('SRV_ERR_UNAUTHENTICATED', 'is missing; expected "Bearer <token>"', FIELD));
    }
    if (!header.startsWith('Bearer ')) return done(new ServerError('SRV_ERR_TOKEN_INVALID', 'expected "Bearer <token>"', FIELD));
    const token = header.slice(7);
    if (tokens.isOfficer(token)) {
      return done(access === 'participant' ? new ServerError('SRV_ERR_FORBIDDEN_ROLE', 'the officer token cannot act as a participant; expected the participant token', FIELD) : undefined);
    }
    const check = tokens.verify(token, Math.floor(Date.now() / 1000));
    if (!check.ok) {
      return done(
        check.reason === 'expired'
          ? new ServerError('SRV_ERR_TOKEN_EXPIRED', 'the token has expired; expected a current token (enrol again for a new one)', FIELD)
          : new ServerError('SRV_ERR_TOKEN_INVALID', 'the token is not one this server signed; expected a token from enrolment or the officer token', FIELD),
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
