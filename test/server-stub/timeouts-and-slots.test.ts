import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { buildServer } from '../../server-stub/build-server.ts';
import { ServerError } from '../../server-stub/errors.ts';
import { resolveOptions } from '../../server-stub/options.ts';
import { startServer, type RunningServer } from '../../server-stub/start-server.ts';
import { bearer, enrol, errorBody, faceCheckIn, officer, OFFICER_TOKEN, openWindow, postCheckIn, removeTempDirs, spawnServe, testServer, unitVector } from './server-fixtures.ts';
import { openRaw, rawRequest } from './raw-connections.ts';

afterAll(removeTempDirs);

const listen = (options: Parameters<typeof startServer>[0]) =>
  startServer({ officerToken: OFFICER_TOKEN, housekeepingIntervalMs: 0, overload: { maxEventLoopDelayMs: 0 }, ...options }, { port: 0, host: '127.0.0.1' });
const portOf = (server: RunningServer) => Number(new URL(server.url).port);

describe('timeout and connection options', () => {
  it('fills the defaults: 10 s to receive a request, 5 s for its headers, 5 s of keep-alive, 2048 connections, 4 requests per participant', () => {
    const options = resolveOptions({});
    expect(options.http).toEqual({ requestTimeoutMs: 10_000, headersTimeoutMs: 5_000, keepAliveTimeoutMs: 5_000, maxConnections: 2048, backlog: 2048 });
    expect(options.rateLimit.maxConcurrent).toBe(4);
  });

  it('refuses a headers timeout longer than the request timeout, naming the field', () => {
    let caught: unknown;
    try {
      resolveOptions({ http: { requestTimeoutMs: 1000, headersTimeoutMs: 2000 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ServerError);
    expect((caught as ServerError).toBody()).toEqual({
      code: 'SRV_ERR_OPTIONS',
      message: 'http.headersTimeoutMs: expected at most http.requestTimeoutMs (1000), got 2000',
      field: 'http.headersTimeoutMs',
    });
    expect(() => resolveOptions({ http: { requestTimeoutMs: 0, headersTimeoutMs: 2000 } })).not.toThrow();
  });

  it("sets them on Node's http server, checking the timeouts every tenth of the shorter one", async () => {
    const app = buildServer({ housekeepingIntervalMs: 0, http: { requestTimeoutMs: 3000, headersTimeoutMs: 1500, keepAliveTimeoutMs: 700, maxConnections: 9 } });
    await app.ready();
    expect(app.server).toMatchObject({ requestTimeout: 3000, headersTimeout: 1500, keepAliveTimeout: 700, maxConnections: 9, connectionsCheckingInterval: 150 });
    await app.close();
  });

  it('takes them as serve flags, and refuses a headers timeout past the request timeout with status 2', async () => {
    const refused = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'server-stub/serve-main.ts', 'serve', '--port', '0', '--request-timeout', '1000', '--headers-timeout', '2000'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('SRV_ERR_OPTIONS: http.headersTimeoutMs: expected at most http.requestTimeoutMs (1000), got 2000');

    const server = await spawnServe(['--port', '0', '--officer-token', OFFICER_TOKEN, '--request-timeout', '800', '--headers-timeout', '300', '--keep-alive-timeout', '1200', '--max-connections', '50']);
    try {
      const port = Number(new URL(server.url).port);
      const t0 = performance.now();
      const [partial, idle] = await Promise.all([
        openRaw(port, 'GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n', t0, 10_000).done,
        openRaw(port, rawRequest('GET', '/healthz', {}), t0, 10_000).done,
      ]);
      expect(partial.status).toBe(408);
      expect(partial.body).toEqual({
        code: 'SRV_ERR_REQUEST_TIMEOUT',
        message: 'request: was not received in full in time; expected the headers within 300 ms and the whole request within 800 ms of its first byte',
        field: 'request',
      });
      expect(partial.closedAt).toBeGreaterThanOrEqual(250);
      expect(partial.closedAt).toBeLessThan(1000);
      // Answered, then closed by the server once idle for the keep-alive timeout.
      expect(idle).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(idle.headers?.['keep-alive']).toBe('timeout=1');
      expect(idle.closedAt - idle.answeredAt!).toBeGreaterThanOrEqual(1150);
      expect(idle.closedAt - idle.answeredAt!).toBeLessThan(2500);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 40_000);
});

describe('in-flight slots', () => {
  it('counts a request in flight only once its body has arrived: a stalled body holds no slot', async () => {
    const server = await listen({ overload: { maxInFlight: 1 }, http: { requestTimeoutMs: 5000, headersTimeoutMs: 1000 } });
    try {
      await enrol(server.app, 'p-1');
      const body = JSON.stringify({ participantId: 'p-2', template: unitVector('p-2') });
      const stalled = openRaw(portOf(server), rawRequest('POST', '/v1/participants', officer, body, 100), performance.now(), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const status = await request(`${server.url}/v1/participants/p-1/status`, { headers: officer });
      expect(status.statusCode).toBe(200);
      await status.body.dump();
      expect((await request(`${server.url}/readyz`)).statusCode).toBe(200);
      stalled.destroy();
      await stalled.done;
      expect(await (await request(`${server.url}/metrics`)).body.text()).toContain('checkin_requests_shed_total{reason="overloaded"} 0');
    } finally {
      await server.close();
    }
  });

  it('caps one participant at maxConcurrent requests in progress with 429 SRV_ERR_CONCURRENCY_LIMITED, and no one else', async () => {
    const app = testServer({ rateLimit: { max: 0, maxConcurrent: 2 }, faults: { latency: { fixedMs: 200 } } });
    const alice = await enrol(app, 'alice');
    const bob = await enrol(app, 'bob');
    for (const id of ['w-1', 'w-2', 'w-3', 'w-4']) await openWindow(app, 'alice', id);
    await openWindow(app, 'bob', 'w-1');
    const [first, second, third, bobs] = await Promise.all([
      postCheckIn(app, alice, 'alice', faceCheckIn('w-1', 'a-1', unitVector('alice'))),
      postCheckIn(app, alice, 'alice', faceCheckIn('w-2', 'a-2', unitVector('alice'))),
      postCheckIn(app, alice, 'alice', faceCheckIn('w-3', 'a-3', unitVector('alice'))),
      postCheckIn(app, bob, 'bob', faceCheckIn('w-1', 'b-1', unitVector('bob'))),
    ]);
    expect([first.statusCode, second.statusCode, bobs.statusCode]).toEqual([201, 201, 201]);
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBe('1');
    expect(errorBody(third)).toEqual({
      code: 'SRV_ERR_CONCURRENCY_LIMITED',
      message: 'params.id: 2 requests of this participant are in progress; expected at most 2 at once, retry after the Retry-After delay',
      field: 'params.id',
    });
    // The slots are given back with the answers.
    expect((await postCheckIn(app, alice, 'alice', faceCheckIn('w-4', 'a-4', unitVector('alice')))).statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('checkin_requests_shed_total{reason="concurrency_limited"} 1');
    // Officer routes are not capped per participant.
    const statuses = await Promise.all(Array.from({ length: 4 }, () => app.inject({ method: 'GET', url: '/v1/participants/alice/status', headers: officer })));
    expect(statuses.map((response) => response.statusCode)).toEqual([200, 200, 200, 200]);
    await app.close();
  });

  it('reports not ready (503 SRV_ERR_OVERLOADED) while its in-flight slots are full and for Retry-After seconds after it sheds, while /healthz stays 200', async () => {
    const app = testServer({ overload: { maxInFlight: 2, retryAfterSeconds: 1 }, faults: { latency: { fixedMs: 300 } } });
    await enrol(app, 'p-1');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const slow = [0, 1].map(() => app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const full = await app.inject({ method: 'GET', url: '/readyz' });
    expect(full.statusCode).toBe(503);
    expect(full.headers['retry-after']).toBe('1');
    expect(errorBody(full)).toEqual({ code: 'SRV_ERR_OVERLOADED', message: 'not ready: the server is shedding load (2 requests in progress, the limit); retry after the Retry-After delay' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const shed = await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer });
    expect(shed.statusCode).toBe(503);
    const shedAt = performance.now();
    expect((await Promise.all(slow)).map((response) => response.statusCode)).toEqual([200, 200]);

    const after = await app.inject({ method: 'GET', url: '/readyz' });
    expect(after.statusCode).toBe(503);
    expect(errorBody(after).message).toMatch(/^not ready: the server is shedding load \(it shed a request or refused a connection \d+ ms ago\); retry after the Retry-After delay$/);
    await expect.poll(async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode, { timeout: 3000, interval: 50 }).toBe(200);
    expect(performance.now() - shedAt).toBeGreaterThanOrEqual(950);
    await app.close();
  });
});

describe('connections', () => {
  it('closes connections past maxConnections as soon as they are accepted, counts them, and is not ready meanwhile', async () => {
    const server = await listen({ http: { maxConnections: 2 }, overload: { maxEventLoopDelayMs: 0, retryAfterSeconds: 1 } });
    try {
      const t0 = performance.now();
      const kept = [0, 1].map(() => openRaw(portOf(server), rawRequest('GET', '/healthz', {}), t0, 10_000));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const third = await openRaw(portOf(server), rawRequest('GET', '/healthz', {}), performance.now(), 10_000).done;
      expect(third.status).toBeUndefined();
      expect([undefined, 'ECONNRESET', 'EPIPE']).toContain(third.error);
      expect(third.closedAt).toBeLessThan(500);
      for (const connection of kept) connection.destroy();
      await Promise.all(kept.map((connection) => connection.done));
      const ready = await request(`${server.url}/readyz`);
      expect(ready.statusCode).toBe(503);
      expect(await ready.body.json()).toEqual({ code: 'SRV_ERR_OVERLOADED', message: expect.stringMatching(/^not ready: the server is shedding load \(it shed a request or refused a connection \d+ ms ago\)/) });
      expect(await (await request(`${server.url}/metrics`)).body.text()).toContain('checkin_requests_shed_total{reason="max_connections"} 1');
    } finally {
      await server.close();
    }
  });

  it('answers bytes that are not HTTP with 400 and oversized headers with 431, in the error contract, and closes the connection', async () => {
    const server = await listen({});
    try {
      const t0 = performance.now();
      const [garbage, huge] = await Promise.all([
        openRaw(portOf(server), 'NOT HTTP AT ALL\r\n\r\n', t0, 10_000).done,
        openRaw(portOf(server), rawRequest('GET', '/healthz', { 'x-filler': 'x'.repeat(20_000) }), t0, 10_000).done,
      ]);
      expect(garbage).toMatchObject({ status: 400, body: { code: 'SRV_ERR_BAD_REQUEST', message: 'request: is not a well-formed HTTP/1.1 request', field: 'request' } });
      expect(huge).toMatchObject({ status: 431, body: { code: 'SRV_ERR_HEADERS_TOO_LARGE', message: 'headers: expected at most 16 KiB of request line and headers', field: 'headers' } });
      expect(garbage.headers?.connection).toBe('close');
    } finally {
      await server.close();
    }
  });

  it('closes the connection of a request refused before its body arrived, and keeps it when the body had arrived', async () => {
    const server = await listen({});
    try {
      const token = await enrol(server.app, 'p-1');
      const body = JSON.stringify(faceCheckIn('w-1', 'a-1', unitVector('p-1')));
      const t0 = performance.now();
      // The wrong participant's path: refused on the headers; the rest of the body never comes.
      const refused = await openRaw(portOf(server), rawRequest('POST', '/v1/participants/p-2/checkins', bearer(token), body, 10), t0, 10_000).done;
      expect(refused).toMatchObject({ status: 403, headers: { connection: 'close' }, body: { code: 'SRV_ERR_FORBIDDEN_PARTICIPANT', field: 'params.id' } });
      expect(refused.closedAt).toBeLessThan(500);
      // Refused once the whole body is read (no such window): the connection stays for the next request.
      const whole = openRaw(portOf(server), rawRequest('POST', '/v1/participants/p-1/checkins', bearer(token), body), t0, 10_000);
      expect(await Promise.race([whole.done, new Promise((resolve) => setTimeout(() => resolve('still open'), 300))])).toBe('still open');
      whole.destroy();
      expect(await whole.done).toMatchObject({ status: 404, headers: { connection: 'keep-alive' }, body: { code: 'SRV_ERR_WINDOW_NOT_FOUND' } });
    } finally {
      await server.close();
    }
  });
});
