import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerOptionsInput } from '../../server-stub/options.ts';
import { faceCheckIn, officer, OFFICER_TOKEN, removeTempDirs, spawnServe, tempDir, unitVector, type ServerProcess } from './server-fixtures.ts';
import { openRaw, quantile, rawRequest, residentMiB } from './raw-connections.ts';

afterAll(removeTempDirs);

/**
 * The server's protections under hostile and heavy connection patterns, measured against a server in
 * a child process (its memory is read from /proc): clients that send headers and part of a body and
 * then nothing, and thousands of connections opened at once. Each test prints its figures.
 */

async function serveWith(options: ServerOptionsInput): Promise<ServerProcess & { port: number; pid: number }> {
  const config = join(tempDir(), 'server.json');
  writeFileSync(config, JSON.stringify({ officerToken: OFFICER_TOKEN, housekeepingIntervalMs: 0, ...options }));
  const server = await spawnServe(['--port', '0', '--config', config]);
  return { ...server, port: Number(new URL(server.url).port), pid: server.child.pid! };
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

async function call(url: string, method: 'GET' | 'POST', body?: unknown, headers: Record<string, string> = officer): Promise<{ status: number; body: unknown }> {
  const response = await request(url, {
    method,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.statusCode, body: await response.body.json() };
}

/** Enrols participants with unit-vector templates; returns their tokens by id. */
async function enrolAll(url: string, ids: string[]): Promise<Map<string, string>> {
  const { status, body } = await call(`${url}/v1/participants/bulk`, 'POST', { participants: ids.map((participantId) => ({ participantId, template: unitVector(participantId) })) });
  expect(status).toBe(201);
  return new Map((body as { tokens: { participantId: string; token: string }[] }).tokens.map(({ participantId, token }) => [participantId, token]));
}

async function openWindows(url: string, windows: { participantId: string; windowId: string }[]): Promise<void> {
  const { status } = await call(`${url}/v1/windows/bulk`, 'POST', { windows: windows.map((window) => ({ ...window, kind: 'adhoc' })) });
  expect(status).toBe(201);
}

const checkInBody = (participantId: string, windowId: string) => JSON.stringify(faceCheckIn(windowId, `${windowId}-a`, unitVector(participantId)));

const overloadedBody = { code: 'SRV_ERR_OVERLOADED', message: expect.stringMatching(/^the server is overloaded \(\d+ requests in progress\); retry after the Retry-After delay$/) };
const notReadyBody = { code: 'SRV_ERR_OVERLOADED', message: expect.stringMatching(/^not ready: the server is shedding load \(.+\); retry after the Retry-After delay$/) };

describe('clients that stall their request', () => {
  it('cuts stalled bodies off at the request timeout with 408, refuses a stalling token past its concurrency cap at once, and serves another participant within the SLO meanwhile', async () => {
    const REQUEST_TIMEOUT = 2000;
    const HEADERS_TIMEOUT = 1000;
    const CHECK_INTERVAL = REQUEST_TIMEOUT / 10;
    const server = await serveWith({
      // Twelve stalled requests get past the per-participant cap: more than the eight in-flight slots,
      // which they would all hold if requests counted from their headers.
      overload: { maxInFlight: 8 },
      rateLimit: { max: 600, timeWindowMs: 60_000, maxConcurrent: 4 },
      http: { requestTimeoutMs: REQUEST_TIMEOUT, headersTimeoutMs: HEADERS_TIMEOUT, maxConnections: 256 },
    });
    try {
      const stallers = ['s-1', 's-2', 's-3'];
      const tokens = await enrolAll(server.url, [...stallers, 'good']);
      const GOOD_WINDOWS = 1000;
      await openWindows(server.url, [
        ...stallers.flatMap((participantId) => [0, 1].map((index) => ({ participantId, windowId: `w-${index}` }))),
        ...Array.from({ length: GOOD_WINDOWS }, (_, index) => ({ participantId: 'good', windowId: `w-${index}` })),
      ]);
      const rssBefore = residentMiB(server.pid);

      // Each stalling token opens ten connections: headers, half of a check-in body, then nothing.
      const t0 = performance.now();
      const stalled = stallers.flatMap((id) =>
        Array.from({ length: 10 }, (_, index) => {
          const body = checkInBody(id, `w-${index % 2}`);
          return openRaw(server.port, rawRequest('POST', `/v1/participants/${id}/checkins`, { authorization: `Bearer ${tokens.get(id)}` }, body, body.length >> 1), t0, 15_000);
        }),
      );
      // And two connections send half of their headers, then nothing.
      const headerStalls = [0, 1].map(() => openRaw(server.port, `POST /v1/participants/s-1/checkins HTTP/1.1\r\nhost: 127.0.0.1\r\n`, t0, 15_000));
      await new Promise((resolve) => setTimeout(resolve, 100));

      // Meanwhile another participant checks in, two at a time over kept-alive connections, until every
      // stalled connection has been cut off.
      let stallsOver = false;
      const allOutcomes = Promise.all([...stalled, ...headerStalls].map((connection) => connection.done)).then((all) => {
        stallsOver = true;
        return all;
      });
      const client = new Pool(server.url, { connections: 3, pipelining: 1 });
      const latencies: number[] = [];
      const statuses = new Map<number, number>();
      let nextWindow = 0;
      const readiness: number[] = [];
      const lane = async () => {
        while (!stallsOver && performance.now() - t0 < 10_000 && nextWindow < GOOD_WINDOWS) {
          const windowId = `w-${nextWindow++}`;
          const from = performance.now();
          const response = await client.request({
            method: 'POST',
            path: '/v1/participants/good/checkins',
            headers: { authorization: `Bearer ${tokens.get('good')}`, 'content-type': 'application/json' },
            body: checkInBody('good', windowId),
          });
          const answer = (await response.body.json()) as { judgement?: string };
          latencies.push(performance.now() - from);
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          if (response.statusCode === 201) expect(answer.judgement).toBe('match');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      const probeReadiness = async () => {
        while (!stallsOver && performance.now() - t0 < 10_000) {
          const response = await client.request({ method: 'GET', path: '/readyz' });
          await response.body.dump();
          readiness.push(response.statusCode);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      // How soon a stalling participant is served normally once its stalled requests are gone.
      const recovery = async () => {
        const all = await allOutcomes;
        const lastCutOff = Math.max(...all.map((outcome) => outcome.closedAt));
        for (let attempt = 0; attempt < 100; attempt++) {
          const response = await client.request({
            method: 'POST',
            path: '/v1/participants/s-1/checkins',
            headers: { authorization: `Bearer ${tokens.get('s-1')}`, 'content-type': 'application/json' },
            body: checkInBody('s-1', 'w-0'),
          });
          await response.body.dump();
          if (response.statusCode === 201) return performance.now() - t0 - lastCutOff;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return Number.NaN;
      };
      const [recoveredAfter] = await Promise.all([recovery(), lane(), lane(), probeReadiness()]);
      const outcomes = await Promise.all(stalled.map((connection) => connection.done));
      const headerOutcomes = await Promise.all(headerStalls.map((connection) => connection.done));
      const rss = residentMiB(server.pid);
      await client.close();

      const timedOut = outcomes.filter((outcome) => outcome.status === 408);
      const refused = outcomes.filter((outcome) => outcome.status === 429);
      const figures = {
        stalledConnections: outcomes.length + headerOutcomes.length,
        cutOffWith408: timedOut.length + headerOutcomes.filter((outcome) => outcome.status === 408).length,
        refusedWith429AtOnce: refused.length,
        bodyCutOffMs: [Math.min(...timedOut.map((o) => o.closedAt)), Math.max(...timedOut.map((o) => o.closedAt))].map(Math.round),
        headersCutOffMs: headerOutcomes.map((o) => Math.round(o.closedAt)),
        refusedAnsweredWithinMs: Math.round(Math.max(...refused.map((o) => o.answeredAt!))),
        refusedClosedWithinMs: Math.round(Math.max(...refused.map((o) => o.closedAt))),
        goodCheckIns: latencies.length,
        goodStatuses: Object.fromEntries(statuses),
        goodP50Ms: +quantile(latencies, 0.5).toFixed(1),
        goodP99Ms: +quantile(latencies, 0.99).toFixed(1),
        goodMaxMs: +Math.max(...latencies).toFixed(1),
        readyzDuringStall: [...new Set(readiness)],
        stallerServedAgainAfterMs: Math.round(recoveredAfter),
        rssBeforeMiB: Math.round(rssBefore.now),
        rssPeakMiB: Math.round(rss.peak),
      };
      console.log('stalled clients:', JSON.stringify(figures));

      // Four requests of each stalling token get in and are cut off at the timeout; the other six are refused at once.
      expect(timedOut).toHaveLength(12);
      expect(refused).toHaveLength(18);
      for (const outcome of timedOut) {
        expect(outcome.body).toEqual({
          code: 'SRV_ERR_REQUEST_TIMEOUT',
          message: `request: was not received in full in time; expected the headers within ${HEADERS_TIMEOUT} ms and the whole request within ${REQUEST_TIMEOUT} ms of its first byte`,
          field: 'request',
        });
        expect(outcome.headers?.connection).toBe('close');
        expect(outcome.answeredAt).toBeGreaterThanOrEqual(REQUEST_TIMEOUT - 50);
        expect(outcome.closedAt).toBeLessThan(REQUEST_TIMEOUT + CHECK_INTERVAL + 500);
      }
      for (const outcome of refused) {
        expect(outcome.body).toEqual({
          code: 'SRV_ERR_CONCURRENCY_LIMITED',
          message: 'params.id: 4 requests of this participant are in progress; expected at most 4 at once, retry after the Retry-After delay',
          field: 'params.id',
        });
        expect(outcome.headers?.['retry-after']).toBe('1');
        // Answered at once, and the connection closed rather than kept for a body that is not coming.
        expect(outcome.headers?.connection).toBe('close');
        expect(outcome.answeredAt).toBeLessThan(500);
        expect(outcome.closedAt).toBeLessThan(500);
      }
      for (const outcome of headerOutcomes) {
        expect(outcome.status).toBe(408);
        expect((outcome.body as { code: string }).code).toBe('SRV_ERR_REQUEST_TIMEOUT');
        expect(outcome.closedAt).toBeGreaterThanOrEqual(HEADERS_TIMEOUT - 50);
        expect(outcome.closedAt).toBeLessThan(HEADERS_TIMEOUT + HEADERS_TIMEOUT / 10 + 500);
      }
      expect(outcomes.every((outcome) => outcome.hung !== true)).toBe(true);

      // The other participant was served throughout, within the scenario SLO (250 ms at p99).
      expect([...statuses.keys()]).toEqual([201]);
      expect(latencies.length).toBeGreaterThanOrEqual(50);
      expect(quantile(latencies, 0.99)).toBeLessThan(250);
      // Stalled clients are not load: the server stays ready.
      expect(new Set(readiness)).toEqual(new Set([200]));
      expect(recoveredAfter).toBeLessThan(250);
      expect(rss.peak).toBeLessThan(400);
    } finally {
      await stop(server);
    }
  }, 30_000);
});

describe('a flood of connections', () => {
  it('answers every one of 2,000 connections opened at once (served, 503 or refused at once), none waiting past the timeout, and recovers', async () => {
    const FLOOD = 2000;
    const REQUEST_TIMEOUT = 5000;
    const server = await serveWith({
      // Only the in-flight limit sheds here (not event-loop delay), so every 503 says why.
      overload: { maxInFlight: 32, retryAfterSeconds: 1, maxEventLoopDelayMs: 0 },
      http: { requestTimeoutMs: REQUEST_TIMEOUT, headersTimeoutMs: 2000, maxConnections: 200, backlog: 2048 },
    });
    try {
      const ids = Array.from({ length: FLOOD + 1 }, (_, index) => `f-${index}`);
      const tokens = await enrolAll(server.url, ids.slice(0, FLOOD));
      const after = await enrolAll(server.url, ids.slice(FLOOD));
      await openWindows(server.url, ids.map((participantId) => ({ participantId, windowId: 'w-0' })));
      await openWindows(server.url, [{ participantId: ids[FLOOD]!, windowId: 'w-1' }]);
      // A saturated server: every check-in takes 200 ms, so 32 in flight are all it can hold.
      const faults = await request(`${server.url}/v1/admin/faults`, { method: 'PUT', headers: { ...officer, 'content-type': 'application/json' }, body: JSON.stringify({ latency: { fixedMs: 200 } }) });
      expect(faults.statusCode).toBe(200);
      await faults.body.dump();
      const requests = ids.slice(0, FLOOD).map((id) =>
        rawRequest('POST', `/v1/participants/${id}/checkins`, { authorization: `Bearer ${tokens.get(id)}`, connection: 'close' }, checkInBody(id, 'w-0')),
      );
      const rssBefore = residentMiB(server.pid);

      const t0 = performance.now();
      const connections = requests.map((bytes) => openRaw(server.port, bytes, t0, 15_000));
      const opened = performance.now() - t0;
      const outcomes = await Promise.all(connections.map((connection) => connection.done));
      const floodOver = performance.now();

      const readyAfterFlood = await call(`${server.url}/readyz`, 'GET');
      let readyAgainAfter = Number.NaN;
      while (performance.now() - floodOver < 5000) {
        const { status } = await call(`${server.url}/readyz`, 'GET');
        if (status === 200) {
          readyAgainAfter = performance.now() - floodOver;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const normalFrom = performance.now();
      const normal = await call(`${server.url}/v1/participants/${ids[FLOOD]}/checkins`, 'POST', JSON.parse(checkInBody(ids[FLOOD]!, 'w-1')), { authorization: `Bearer ${after.get(ids[FLOOD]!)}` });
      const normalAfter = performance.now() - floodOver;
      const normalTook = performance.now() - normalFrom;
      const rss = residentMiB(server.pid);
      const metrics = await (await request(`${server.url}/metrics`)).body.text();

      const served = outcomes.filter((outcome) => outcome.status === 201);
      const shed = outcomes.filter((outcome) => outcome.status === 503);
      const refused = outcomes.filter((outcome) => outcome.status === undefined);
      const waits = outcomes.map((outcome) => outcome.answeredAt ?? outcome.closedAt);
      const dropped = Number(/checkin_requests_shed_total\{reason="max_connections"\} (\d+)/.exec(metrics)![1]);
      const figures = {
        connections: FLOOD,
        openedInMs: Math.round(opened),
        served: served.length,
        shed503: shed.length,
        refusedAtConnect: refused.length,
        refusedErrors: refused.reduce<Record<string, number>>((counts, o) => ({ ...counts, [o.error ?? 'closed']: (counts[o.error ?? 'closed'] ?? 0) + 1 }), {}),
        otherStatuses: outcomes.filter((o) => o.status !== undefined && o.status !== 201 && o.status !== 503).map((o) => o.status),
        serverDroppedConnections: dropped,
        worstWaitMs: Math.round(Math.max(...waits)),
        worstServedMs: Math.round(Math.max(...served.map((o) => o.answeredAt!))),
        worst503Ms: Math.round(Math.max(...shed.map((o) => o.answeredAt!))),
        worstRefusedMs: Math.round(Math.max(...refused.map((o) => o.closedAt))),
        p99WaitMs: Math.round(quantile(waits, 0.99)),
        readyzRightAfter: readyAfterFlood.status,
        readyAgainAfterMs: Math.round(readyAgainAfter),
        checkInServedAfterMs: Math.round(normalAfter),
        checkInTookMs: Math.round(normalTook),
        rssBeforeMiB: Math.round(rssBefore.now),
        rssPeakMiB: Math.round(rss.peak),
      };
      console.log('connection flood:', JSON.stringify(figures));

      // Every connection got an answer or was refused; nobody waited for the timeout, let alone hung.
      expect(outcomes.filter((outcome) => outcome.hung === true)).toHaveLength(0);
      expect(served.length + shed.length + refused.length).toBe(FLOOD);
      expect(Math.max(...waits)).toBeLessThan(REQUEST_TIMEOUT);
      expect(served.length).toBeGreaterThanOrEqual(32);
      expect(shed.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.length).toBeLessThanOrEqual(dropped);
      for (const outcome of served) expect(outcome.body).toMatchObject({ judgement: 'match', window: { attemptsUsed: 1 } });
      for (const outcome of shed) {
        expect(outcome.body).toEqual(overloadedBody);
        expect(outcome.headers?.['retry-after']).toBe('1');
      }
      for (const outcome of refused) expect([undefined, 'ECONNRESET', 'EPIPE']).toContain(outcome.error);

      // Not ready while it sheds (for Retry-After seconds after the last refusal), then ready and serving.
      expect(readyAfterFlood).toEqual({ status: 503, body: notReadyBody });
      expect(readyAgainAfter).toBeLessThan(1000 + 500);
      expect(normal.status).toBe(201);
      expect(normalTook).toBeLessThan(200 + 250);
      expect(rss.peak).toBeLessThan(400);
    } finally {
      await stop(server);
    }
  }, 45_000);
});
