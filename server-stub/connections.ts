import { STATUS_CODES, type IncomingMessage, type ServerOptions as HttpServerOptions, type Server, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServerError } from './errors.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ServerOptions } from './options.ts';

/**
 * Timeouts and the connection cap: what keeps slow or stalled clients and connection floods from
 * holding the server. Node's http server enforces the timeouts (it answers 408 through the
 * clientError handler below); the cap closes a connection past the limit as soon as it is accepted.
 */

type HttpSettings = ServerOptions['http'];

/**
 * How often Node checks the request and headers timeouts (its default, 30 s, would let a 10 s
 * timeout fire up to 40 s late): a tenth of the shorter timeout, between 50 ms and 1 s.
 */
function timeoutCheckIntervalMs(settings: HttpSettings): number {
  const timeouts = [settings.requestTimeoutMs, settings.headersTimeoutMs].filter((ms) => ms > 0);
  if (timeouts.length === 0) return 1000;
  return Math.min(1000, Math.max(50, Math.floor(Math.min(...timeouts) / 10)));
}

/** Options of Node's http server (fastify passes `http` through; requestTimeout and keepAliveTimeout go as fastify's own). */
export function httpServerOptions(settings: HttpSettings): HttpServerOptions {
  return {
    requestTimeout: settings.requestTimeoutMs,
    headersTimeout: settings.headersTimeoutMs,
    connectionsCheckingInterval: timeoutCheckIntervalMs(settings),
  };
}

/**
 * Answers what Node's http server reports before a request reaches fastify, with the error contract's
 * body: a request timeout (408), headers too large (431), or bytes that are not HTTP (400). The
 * connection is closed after it. Nothing is written when an answer to the request has begun.
 */
export function clientErrorHandler(settings: HttpSettings, metrics: ServerMetrics) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    let answer: ServerError;
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      metrics.shed.inc({ reason: 'request_timeout' });
      answer = new ServerError(
        'SRV_ERR_REQUEST_TIMEOUT',
        `was not received in full in time; expected the headers within ${settings.headersTimeoutMs} ms and the whole request within ${settings.requestTimeoutMs} ms of its first byte`,
        'request',
      );
    } else if (error.code === 'HPE_HEADER_OVERFLOW') {
      answer = new ServerError('SRV_ERR_HEADERS_TOO_LARGE', 'expected at most 16 KiB of request line and headers', 'headers');
    } else {
      answer = new ServerError('SRV_ERR_BAD_REQUEST', 'is not a well-formed HTTP/1.1 request', 'request');
    }
    const pending = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    const answered = (socket as AnsweredSocket)[answeredEarly];
    if (socket.writable && (pending == null || !pending.headersSent) && (answered === undefined || answered.complete)) {
      const body = JSON.stringify(answer.toBody());
      socket.write(
        `HTTP/1.1 ${answer.statusCode} ${STATUS_CODES[answer.statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    // As Node does: the write above is small enough to leave at once, and nothing is read after it.
    socket.destroy();
  };
}

/** Closes connections past `maxConnections` as soon as they are accepted, counting each one. */
export function capConnections(server: Server, settings: HttpSettings, metrics: ServerMetrics, onDrop: () => void): void {
  if (settings.maxConnections === 0) return;
  server.maxConnections = settings.maxConnections;
  server.on('drop', () => {
    metrics.shed.inc({ reason: 'max_connections' });
    onDrop();
  });
}

/** On a socket: the request that was answered before its body had arrived (see `closeIfBodyUnread`). */
const answeredEarly = Symbol('answered before its body arrived');
type AnsweredSocket = Socket & { [answeredEarly]?: IncomingMessage };

/**
 * Called before every error answer (error-handler.ts): a request refused before its body has arrived
 * in full (a token, rate, concurrency or size refusal on the headers alone) closes its connection once
 * answered, rather than keep it for a body the server will not use. The close lingers
 * (lingering-close.ts, called after this): a client still sending reads its answer, not a reset; one that stalls is cut off within the
 * linger's bound, not at the request timeout. A body that has already arrived keeps the connection.
 */
export function closeIfBodyUnread(request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw;
  if (reply.statusCode < 400 || raw.complete) return;
  const hasBody = raw.headers['transfer-encoding'] !== undefined || (raw.headers['content-length'] ?? '0') !== '0';
  if (hasBody) {
    reply.header('connection', 'close');
    if (raw.socket instanceof Socket) (raw.socket as AnsweredSocket)[answeredEarly] = raw;
  }
}
