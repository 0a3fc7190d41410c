import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError, HTTPMethods } from 'fastify';
import { bearerChallenge } from './auth.ts';
import { ServerError, type ServerErrorCode } from './errors.ts';
import { closeIfBodyUnread } from './connections.ts';
import { lingerOnClose, lingerWhenBodyUnread } from './lingering-close.ts';
import { describeSchemaError } from '../scenarios/common/schema-issues.ts';

/**
 * Every error leaves the server as `{ code, message, field? }` from the SRV_ERR_* table: fastify's own
 * errors are mapped here, anything unexpected becomes SRV_ERR_INTERNAL with its details in the log
 * only. No stack trace or internal message ever reaches a client. What Node's http server would answer
 * by itself is taken over too: a request without Host (400), an Expect it cannot meet (417), and
 * requests arriving while the server closes (503, instead of fastify's own body). Bytes that are not
 * HTTP at all, headers too large and timeouts are answered by the clientError handler (connections.ts).
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
  const issue = describeSchemaError(first as Parameters<typeof describeSchemaError>[0], { root, echoValue: false, notation: 'json' });
  return new ServerError('SRV_ERR_VALIDATION', issue.message, issue.path);
}

function toServerError(error: FastifyError | ServerError | Error): ServerError {
  if (error instanceof ServerError) return error;
  const code = (error as FastifyError).code;
  const known = code === undefined ? undefined : FRAMEWORK_ERRORS[code];
  if (known !== undefined) return new ServerError(known[0], known[2], known[1]);
  const status = (error as FastifyError).statusCode ?? 500;
  if (status >= 400 && status < 500) return new ServerError('SRV_ERR_BAD_REQUEST', 'the request cannot be processed as sent', 'request');
  return new ServerError('SRV_ERR_INTERNAL', 'an unexpected error; it has been logged');
}

/** The answer's headers: Retry-After, the error's own, and a bearer challenge on every 401 (RFC 7235 §3.1). */
function errorHeaders(error: ServerError): Record<string, string> {
  const headers: Record<string, string> = { ...error.headers };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error.statusCode === 401 && headers['www-authenticate'] === undefined) headers['www-authenticate'] = bearerChallenge();
  return headers;
}

/**
 * Every error answer goes out here, the only answers with a status of 400 or more: a refusal made
 * before the request's body arrived closes its connection, and the close lingers (connections.ts).
 */
function sendError(error: ServerError, reply: FastifyReply): FastifyReply {
  reply.code(error.statusCode).headers(errorHeaders(error));
  closeIfBodyUnread(reply.request, reply);
  lingerWhenBodyUnread(reply.request, reply);
  return reply.send(error.toBody());
}

/** The order methods are listed in an Allow header. */
const METHOD_ORDER: readonly HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Installs the error and not-found handlers, and takes over the answers Node or fastify would give in
 * their own format; the framework-error handler goes in the fastify options (with
 * `return503OnClosing: false` and `http.requireHostHeader: false`, so that these answers are ours).
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = toServerError(error);
    if (mapped.code === 'SRV_ERR_INTERNAL') request.log.error({ err: error }, 'unexpected error');
    return sendError(mapped, reply);
  });

  // A path some route has, asked with another method, is a 405 naming the methods it has.
  const methods = new Set<HTTPMethods>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) methods.add(method.toUpperCase() as HTTPMethods);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    const allowed = METHOD_ORDER.filter((method) => methods.has(method) && app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      const list = allowed.join(', ');
      const error = new ServerError('SRV_ERR_METHOD_NOT_ALLOWED', `${request.method} is not a method of this path; expected one of: ${list}`, 'method', undefined, { allow: list });
      return sendError(error, reply);
    }
    return sendError(new ServerError('SRV_ERR_ROUTE_NOT_FOUND', 'no route has this path; expected a path of /openapi.json', 'url'), reply);
  });

  // Once closing, every request is refused at once (fastify sets Connection: close on these answers).
  // HTTP/1.1 requires Host (RFC 9112 §3.2); Node's own refusal has an empty body, so the check is here.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (request, _reply, done) => {
    if (closing) return done(new ServerError('SRV_ERR_SHUTTING_DOWN', 'the server is shutting down; expected to be sent again to a running server', 'request'));
    if (request.headers.host === undefined && request.raw.httpVersion === '1.1') {
      return done(new ServerError('SRV_ERR_BAD_REQUEST', 'is missing; expected the Host header HTTP/1.1 requires', 'headers.host'));
    }
    done();
  });

  // CONNECT asks for a tunnel; Node would drop the connection without a word.
  app.server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    const list = METHOD_ORDER.filter((method) => methods.has(method)).join(', ');
    answerOnSocket(socket, new ServerError('SRV_ERR_METHOD_NOT_ALLOWED', `CONNECT asks for a tunnel and this server is no proxy; expected one of: ${list}`, 'method', undefined, { allow: list }));
  });

  // Expect: 100-continue is Node's to answer; any other expectation gets a 417 in the contract's body,
  // and the connection closes after it without reading a body the client may be sending.
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const error = new ServerError('SRV_ERR_EXPECTATION_FAILED', 'expected no Expect header, or "100-continue"', 'headers.expect');
    const body = JSON.stringify(error.toBody());
    if (!request.complete) lingerOnClose(request);
    response.writeHead(error.statusCode, STATUS_CODES[error.statusCode], {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...errorHeaders(error),
      connection: 'close',
    });
    response.end(body);
  });
}

/**
 * Answers on a connection Node has handed over (no response object): a raw HTTP/1.1 response with the
 * contract's body and `Connection: close`, then a half-close; what the client still sends is read and
 * dropped until it closes its side, for at most 2 s, so the answer is not lost to a reset.
 */
function answerOnSocket(socket: Duplex, error: ServerError): void {
  const body = JSON.stringify(error.toBody());
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...errorHeaders(error), connection: 'close' };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.on('error', () => socket.destroy());
  socket.end(`HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode]}\r\n${head}\r\n${body}`);
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), 2000).unref();
  socket.once('end', () => {
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  });
  socket.once('close', () => clearTimeout(timer));
}

export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void sendError(toServerError(error), reply);
}
