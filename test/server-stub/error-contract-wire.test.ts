import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFICER_TOKEN, testServer } from './server-fixtures.ts';
import { listenOnLoopback, rawExchange, type RawExchange } from './raw-http.ts';

/**
 * The error contract on the wire: answers the server gives before any route is found (or instead of
 * Node's and fastify's own) have the `{ code, message, field }` body and a documented code, sent on a
 * raw socket so that nothing is tidied up by a client library. Each case asserts the exact status,
 * code and body.
 */

const BODY_LIMIT = 4096;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  app = testServer({ bodyLimitBytes: BODY_LIMIT });
  port = await listenOnLoopback(app);
});
afterAll(() => app.close());

const officerHeaders = `Host: 127.0.0.1\r\nAuthorization: Bearer ${OFFICER_TOKEN}\r\n`;

/** The one answer of an exchange, its body parsed; the connection closed after it. */
function onlyAnswer(exchange: RawExchange) {
  expect(exchange.events, JSON.stringify(exchange)).not.toContain('timeout');
  expect(exchange.responses).toHaveLength(1);
  const [response] = exchange.responses;
  expect(response!.headers['content-type']).toBe('application/json; charset=utf-8');
  return { ...response!, json: JSON.parse(response!.body) as unknown };
}

describe('errors raised by the HTTP parser, before routing', () => {
  it('answers a malformed request line with 400 SRV_ERR_BAD_REQUEST and closes the connection', async () => {
    for (const line of ['GARBAGE', 'G@T / HTTP/1.1', 'GET / HTTP/9.9', 'GET /a b HTTP/1.1']) {
      const answer = onlyAnswer(await rawExchange(port, `${line}\r\nHost: 127.0.0.1\r\n\r\n`));
      expect(answer.status, line).toBe(400);
      expect(answer.headers.connection).toBe('close');
      expect(answer.json).toEqual({ code: 'SRV_ERR_BAD_REQUEST', message: 'request: is not a well-formed HTTP/1.1 request', field: 'request' });
    }
  });

  it('answers a malformed header with 400 SRV_ERR_BAD_REQUEST and closes the connection', async () => {
    for (const header of ['Bad Header: x', 'X-Ctl: a\u0001b', 'Content-Length: abc', 'Content-Length: 1\r\nContent-Length: 2']) {
      const exchange = await rawExchange(port, `POST /v1/windows/close-due HTTP/1.1\r\n${officerHeaders}${header}\r\n\r\n`);
      const answer = onlyAnswer(exchange);
      expect(answer.status, header).toBe(400);
      expect(answer.headers.connection).toBe('close');
      expect(answer.json).toEqual({ code: 'SRV_ERR_BAD_REQUEST', message: 'request: is not a well-formed HTTP/1.1 request', field: 'request' });
      expect(exchange.events.at(-1)).toBe('close');
    }
  });

  it('answers headers larger than 16 KiB with 431 SRV_ERR_HEADERS_TOO_LARGE', async () => {
    const answer = onlyAnswer(await rawExchange(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(answer.status).toBe(431);
    expect(answer.headers.connection).toBe('close');
    expect(answer.json).toEqual({ code: 'SRV_ERR_HEADERS_TOO_LARGE', message: 'headers: expected at most 16 KiB of request line and headers', field: 'headers' });
  });

  it('answers an invalid percent-encoding in a path with 400 SRV_ERR_BAD_REQUEST naming the url', async () => {
    for (const path of ['/v1/participants/%zz/status', '/v1/participants/%E0%A4%A/status', '/%']) {
      const answer = onlyAnswer(await rawExchange(port, `GET ${path} HTTP/1.1\r\n${officerHeaders}Connection: close\r\n\r\n`));
      expect(answer.status, path).toBe(400);
      expect(answer.json).toEqual({ code: 'SRV_ERR_BAD_REQUEST', message: 'url: expected a correctly percent-encoded path', field: 'url' });
    }
  });

  it('answers a request without Host with 400 SRV_ERR_BAD_REQUEST naming headers.host (Node would send an empty body)', async () => {
    const answer = onlyAnswer(await rawExchange(port, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ code: 'SRV_ERR_BAD_REQUEST', message: 'headers.host: is missing; expected the Host header HTTP/1.1 requires', field: 'headers.host' });
    const http10 = onlyAnswer(await rawExchange(port, 'GET /healthz HTTP/1.0\r\n\r\n'));
    expect(http10.status).toBe(200);
  });

  it('answers an Expect other than 100-continue with 417 SRV_ERR_EXPECTATION_FAILED, and 100-continue with 100 then the answer', async () => {
    const answer = onlyAnswer(await rawExchange(port, `POST /v1/windows/close-due HTTP/1.1\r\n${officerHeaders}Expect: teapot\r\nConnection: close\r\n\r\n`));
    expect(answer.status).toBe(417);
    expect(answer.json).toEqual({ code: 'SRV_ERR_EXPECTATION_FAILED', message: 'headers.expect: expected no Expect header, or "100-continue"', field: 'headers.expect' });
    const body = '{}';
    const head = `POST /v1/windows/close-due HTTP/1.1\r\n${officerHeaders}Expect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const continued = await rawExchange(port, `${head}${body}`);
    expect(continued.interim).toEqual([100]);
    expect(onlyAnswer(continued).status).toBe(200);
  });
});

describe('routing errors', () => {
  it('answers an unknown path with 404 SRV_ERR_ROUTE_NOT_FOUND', async () => {
    for (const path of ['/nope', '/v1/participants/alice/nope', '/v1/participants/alice/status/']) {
      const answer = onlyAnswer(await rawExchange(port, `GET ${path} HTTP/1.1\r\n${officerHeaders}Connection: close\r\n\r\n`));
      expect(answer.status, path).toBe(404);
      expect(answer.json).toEqual({ code: 'SRV_ERR_ROUTE_NOT_FOUND', message: 'url: no route has this path; expected a path of /openapi.json', field: 'url' });
    }
  });

  it('answers a known path asked with another method with 405 SRV_ERR_METHOD_NOT_ALLOWED and an Allow header', async () => {
    const cases = [
      ['DELETE', '/v1/windows/close-due', 'POST'],
      ['GET', '/v1/participants', 'POST'],
      ['POST', '/v1/participants/alice/status', 'GET, HEAD'],
      ['PATCH', '/v1/admin/faults', 'GET, HEAD, PUT'],
      ['OPTIONS', '/healthz', 'GET, HEAD'],
    ] as const;
    for (const [method, path, allow] of cases) {
      const answer = onlyAnswer(await rawExchange(port, `${method} ${path} HTTP/1.1\r\n${officerHeaders}Connection: close\r\n\r\n`));
      expect(answer.status, `${method} ${path}`).toBe(405);
      expect(answer.headers.allow).toBe(allow);
      expect(answer.json).toEqual({ code: 'SRV_ERR_METHOD_NOT_ALLOWED', message: `method: ${method} is not a method of this path; expected one of: ${allow}`, field: 'method' });
    }
  });

  it('answers CONNECT with 405 SRV_ERR_METHOD_NOT_ALLOWED instead of dropping the connection', async () => {
    const answer = onlyAnswer(await rawExchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'));
    expect(answer.status).toBe(405);
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers.allow).toBe('GET, HEAD, POST, PUT');
    expect(answer.json).toEqual({
      code: 'SRV_ERR_METHOD_NOT_ALLOWED',
      message: 'method: CONNECT asks for a tunnel and this server is no proxy; expected one of: GET, HEAD, POST, PUT',
      field: 'method',
    });
  });
});

describe('an over-limit body', () => {
  const TOO_LARGE = {
    code: 'SRV_ERR_BODY_TOO_LARGE',
    message: 'body: expected a smaller body (see the route limits in server-stub/README.md)',
    field: 'body',
  };
  const enrolHead = (framing: string) => `POST /v1/participants HTTP/1.1\r\n${officerHeaders}Content-Type: application/json\r\n${framing}\r\n\r\n`;

  /** The 413 came whole, then the server's FIN, and the socket never saw a reset or a failed write before it. */
  function expect413BeforeClose(exchange: RawExchange) {
    expect(exchange.events, JSON.stringify(exchange.events)).not.toContain('timeout');
    expect(exchange.responses).toHaveLength(1);
    expect(exchange.responses[0]!.status).toBe(413);
    expect(JSON.parse(exchange.responses[0]!.body)).toEqual(TOO_LARGE);
    expect(exchange.events[0]).toBe('response');
    expect(exchange.events.indexOf('end')).toBeGreaterThan(0);
    expect(exchange.events.filter((event) => event.startsWith('error'))).toEqual([]);
  }

  it('is answered 413 before the connection closes, while the client keeps sending a declared 200 MB body', async () => {
    for (let round = 0; round < 3; round++) {
      const exchange = await rawExchange(port, enrolHead('Content-Length: 200000000'), { keepSending: 8 * 1024 * 1024 });
      expect413BeforeClose(exchange);
    }
  });

  it('is answered 413 before the connection closes, while the client keeps sending a chunked body past the limit', async () => {
    // 1 KiB chunks, one per turn: the limit is crossed with more of the body still on its way.
    const chunk = Buffer.from(`400\r\n${'a'.repeat(0x400)}\r\n`);
    for (let round = 0; round < 3; round++) {
      const exchange = await rawExchange(port, enrolHead('Transfer-Encoding: chunked'), { keepSending: 2 * 1024 * 1024, fill: chunk });
      expect413BeforeClose(exchange);
      expect(exchange.bodyBytesSent).toBeGreaterThan(BODY_LIMIT);
    }
  });

  it('is answered 413 before the close even when the client sends past what the server reads after its answer', async () => {
    const exchange = await rawExchange(port, enrolHead('Content-Length: 200000000'), { keepSending: 64 * 1024 * 1024 });
    expect(exchange.responses.map((response) => response.status)).toEqual([413]);
    expect(JSON.parse(exchange.responses[0]!.body)).toEqual(TOO_LARGE);
    expect(exchange.events[0]).toBe('response');
  });

  it('keeps the connection when the whole over-limit body was sent: the 413 comes and the connection closes cleanly', async () => {
    const body = JSON.stringify({ participantId: 'x', template: Array.from({ length: 2000 }, () => 0.5) });
    const exchange = await rawExchange(port, `${enrolHead(`Content-Length: ${Buffer.byteLength(body)}`)}${body}`);
    expect413BeforeClose(exchange);
  });
});

describe('a request while the server shuts down', () => {
  it("is answered 503 SRV_ERR_SHUTTING_DOWN (not fastify's own body), and the connection is closed", async () => {
    const closing = testServer({ faults: { latency: { fixedMs: 500, jitterMs: 0 } } });
    const closingPort = await listenOnLoopback(closing);
    // A slow request keeps the connection open; a second one is sent on it once the server is closing.
    const request = (path: string) => `GET ${path} HTTP/1.1\r\n${officerHeaders}\r\n`;
    const exchange = rawExchange(closingPort, request('/v1/participants/ghost/status'), { later: { delayMs: 250, data: request('/healthz') }, timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = closing.close();
    const result = await exchange;
    await closed;
    expect(result.events).not.toContain('timeout');
    expect(result.responses.map((response) => response.status)).toEqual([404, 503]);
    const refused = result.responses[1]!;
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.body)).toEqual({
      code: 'SRV_ERR_SHUTTING_DOWN',
      message: 'request: the server is shutting down; expected to be sent again to a running server',
      field: 'request',
    });
    expect(result.events.at(-1)).toBe('close');
  });
});
