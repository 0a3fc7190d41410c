import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { ServerError, type ServerErrorCode } from './errors.ts';
import { describeSchemaError } from './validation-messages.ts';

/**
 * Every error leaves the server as `{ code, message, field? }` from the SRV_ERR_* table: fastify's own
 * errors are mapped here, anything unexpected becomes SRV_ERR_INTERNAL with its details in the log
 * only. No stack trace or internal message ever reaches a client.
 */

/** fastify's request-reading errors, by code: what we answer and which field it concerns. */
const FRAMEWORK_ERRORS: Record<string, [ServerErrorCode, string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['SRV_ERR_MALFORMED_JSON', 'body', 'expected a JSON document'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['SRV_ERR_MALFORMED_JSON', 'body', 'expected a JSON document, got an empty body'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['SRV_ERR_BODY_TOO_LARGE', 'body', 'expected a smaller body (see the route limits in server-stub/README.md)'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['SRV_ERR_UNSUPPORTED_MEDIA_TYPE', 'headers.content-type', 'expected application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['SRV_ERR_BAD_REQUEST', 'headers.content-length', 'expected the length of the body'],
  FST_ERR_BAD_URL: ['SRV_ERR_BAD_REQUEST', 'url', 'expected a correctly percent-encoded path'],
  FST_ERR_MAX_PARAM_LENGTH: ['SRV_ERR_URL_TOO_LONG', 'url', 'expected path parameters of at most 100 characters'],
};

/** Validation errors name the field and what was expected; passed to fastify as `schemaErrorFormatter`. */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const root = dataVar === 'querystring' ? 'query' : dataVar;
  const first = errors[0];
  if (first === undefined) return new ServerError('SRV_ERR_VALIDATION', 'is invalid', root);
  const issue = describeSchemaError(first as Parameters<typeof describeSchemaError>[0], root);
  return new ServerError('SRV_ERR_VALIDATION', issue.expected, issue.field);
}

export function toServerError(error: FastifyError | ServerError | Error): ServerError {
  if (error instanceof ServerError) return error;
  const code = (error as FastifyError).code;
  const known = code === undefined ? undefined : FRAMEWORK_ERRORS[code];
  if (known !== undefined) return new ServerError(known[0], known[2], known[1]);
  const status = (error as FastifyError).statusCode ?? 500;
  if (status >= 400 && status < 500) return new ServerError('SRV_ERR_BAD_REQUEST', 'the request cannot be processed as sent', 'request');
  return new ServerError('SRV_ERR_INTERNAL', 'an unexpected error; it has been logged');
}

export function sendError(error: ServerError, reply: FastifyReply): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.statusCode).send(error.toBody());
}

/** Installs the error and not-found handlers; the framework-error handler goes in the fastify options. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = toServerError(error);
    if (mapped.code === 'SRV_ERR_INTERNAL') request.log.error({ err: error }, 'unexpected error');
    return sendError(mapped, reply);
  });
  app.setNotFoundHandler((_request, reply) =>
    sendError(new ServerError('SRV_ERR_ROUTE_NOT_FOUND', 'no route has this method and path; expected a route of /openapi.json', 'url'), reply),
  );
}

export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void sendError(toServerError(error), reply);
}
