import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startServer } from '../../server-stub/start-server.ts';
import { bearer, enrol, errorBody, officer, OFFICER_TOKEN, removeTempDirs, testServer } from './server-fixtures.ts';

afterAll(removeTempDirs);

const busyWait = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // holds the event loop on purpose
  }
};

describe('overload', () => {
  it('answers 503 with Retry-After past its in-flight limit, keeps answering /healthz, and recovers', async () => {
    const server = await startServer(
      { officerToken: OFFICER_TOKEN, housekeepingIntervalMs: 0, overload: { maxInFlight: 4, retryAfterSeconds: 3 }, faults: { latency: { fixedMs: 800 } } },
      { port: 0, host: '127.0.0.1' },
    );
    try {
      await enrol(server.app, 'p-1');
      const burst = Array.from({ length: 24 }, () => request(`${server.url}/v1/participants/p-1/status`, { headers: officer }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const healthFrom = performance.now();
      const health = await request(`${server.url}/healthz`);
      expect(health.statusCode).toBe(200);
      await health.body.dump();
      expect(performance.now() - healthFrom).toBeLessThan(500);

      const responses = await Promise.all(burst);
      const statuses = responses.map((response) => response.statusCode);
      // Four run at a time; the rest arrive while those four wait out the added latency.
      const shedCount = statuses.filter((status) => status === 503).length;
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(4);
      expect(shedCount).toBeGreaterThanOrEqual(12);
      expect(shedCount + statuses.filter((status) => status === 200).length).toBe(24);
      const shed = responses.find((response) => response.statusCode === 503)!;
      expect(shed.headers['retry-after']).toBe('3');
      expect(await shed.body.json()).toMatchObject({ code: 'SRV_ERR_OVERLOADED' });
      await Promise.all(responses.map((response) => response.body.dump()));

      const after = await request(`${server.url}/v1/participants/p-1/status`, { headers: officer });
      expect(after.statusCode).toBe(200);
      await after.body.dump();
      const metrics = await (await request(`${server.url}/metrics`)).body.text();
      expect(metrics).toContain(`checkin_requests_shed_total{reason="overloaded"} ${shedCount}`);
    } finally {
      await server.close();
    }
  });

  it('sheds load while the event loop lags, keeps /healthz, and recovers when it catches up', async () => {
    const app = testServer({ overload: { maxEventLoopDelayMs: 30, sampleIntervalMs: 20 } });
    await enrol(app, 'p-1');
    busyWait(300);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const shed = await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer });
    expect(shed.statusCode).toBe(503);
    expect(errorBody(shed).code).toBe('SRV_ERR_OVERLOADED');
    expect(errorBody(shed).message).toMatch(/^the server is overloaded \(eventLoopDelay (\d+\.\d\d|Infinity)\); retry after the Retry-After delay$/);
    expect(shed.headers['retry-after']).toBe('2');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await expect.poll(async () => (await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer })).statusCode, { timeout: 10_000, interval: 50 }).toBe(200);
    await app.close();
  });
});

describe('per-participant rate limit', () => {
  it('answers 429 with Retry-After past the limit, for that participant only', async () => {
    const app = testServer({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    const alice = await enrol(app, 'alice');
    const bob = await enrol(app, 'bob');
    const prompts = (id: string, token: string) => app.inject({ method: 'GET', url: `/v1/participants/${id}/windows/open`, headers: bearer(token) });
    // Refused before the limit is counted: someone without alice's token cannot spend her allowance.
    for (let i = 0; i < 5; i++) await app.inject({ method: 'GET', url: '/v1/participants/alice/windows/open', headers: bearer(bob) });
    for (let i = 0; i < 3; i++) expect((await prompts('alice', alice)).statusCode).toBe(200);
    const limited = await prompts('alice', alice);
    expect(limited.statusCode).toBe(429);
    expect(errorBody(limited)).toMatchObject({ code: 'SRV_ERR_RATE_LIMITED', field: 'params.id' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(50);
    expect((await prompts('bob', bob)).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('checkin_requests_shed_total{reason="rate_limited"} 1');
    await app.close();
  });

  it("names the limit and the wait, and starts a participant's count again once the window has passed", async () => {
    const app = testServer({ rateLimit: { max: 2, timeWindowMs: 300 } });
    const alice = await enrol(app, 'alice');
    const prompts = () => app.inject({ method: 'GET', url: '/v1/participants/alice/windows/open', headers: bearer(alice) });
    const windowStarted = performance.now();
    for (let i = 0; i < 2; i++) expect((await prompts()).statusCode).toBe(200);
    const limited = await prompts();
    // Limited only while the window lasts: a machine slow enough to reach its end here proves nothing either way.
    if (performance.now() - windowStarted < 300) {
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('1');
      expect(errorBody(limited)).toEqual({ code: 'SRV_ERR_RATE_LIMITED', message: 'params.id: more than 2 requests in 300 ms for this participant; expected fewer, retry after 1 s', field: 'params.id' });
    }
    await new Promise((resolve) => setTimeout(resolve, 350));
    for (let i = 0; i < 2; i++) expect((await prompts()).statusCode).toBe(200);
    await app.close();
  });

  it('forgets the least recently seen participant past the participants it tracks', async () => {
    const app = testServer({ rateLimit: { max: 1, timeWindowMs: 60_000, trackedParticipants: 2 } });
    const tokens = { alice: await enrol(app, 'alice'), bob: await enrol(app, 'bob'), carol: await enrol(app, 'carol') };
    const prompts = (id: keyof typeof tokens) => app.inject({ method: 'GET', url: `/v1/participants/${id}/windows/open`, headers: bearer(tokens[id]) });
    expect((await prompts('alice')).statusCode).toBe(200);
    expect((await prompts('bob')).statusCode).toBe(200);
    expect((await prompts('alice')).statusCode).toBe(429); // alice is now the most recently seen, bob the least
    expect((await prompts('carol')).statusCode).toBe(200); // a third participant: bob is forgotten
    expect((await prompts('bob')).statusCode).toBe(200); // bob starts again, and alice (seen before carol) is forgotten
    expect((await prompts('alice')).statusCode).toBe(200);
    await app.close();
  });

  /** One participant tracked, alice and bob enrolled, alice's request held in progress by injected latency (`slow`, her answer to come). */
  async function aliceInProgress() {
    const app = testServer({ rateLimit: { max: 1, timeWindowMs: 60_000, trackedParticipants: 1, maxConcurrent: 4 } });
    const tokens = { alice: await enrol(app, 'alice'), bob: await enrol(app, 'bob') };
    const prompts = (id: keyof typeof tokens) => app.inject({ method: 'GET', url: `/v1/participants/${id}/windows/open`, headers: bearer(tokens[id]) });
    await app.inject({ method: 'PUT', url: '/v1/admin/faults', headers: officer, payload: { latency: { fixedMs: 300 } } });
    const slow = prompts('alice');
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { app, prompts, slow };
  }

  it('keeps counting a participant with a request in progress, however many others it has seen since', async () => {
    const { app, prompts, slow } = await aliceInProgress();
    // bob is seen after alice, and one participant is tracked: alice is kept, her answer still to come.
    expect((await prompts('bob')).statusCode).toBe(200);
    expect(errorBody(await prompts('alice')).code).toBe('SRV_ERR_RATE_LIMITED');
    expect((await slow).statusCode).toBe(200);
    await app.close();
  });

  it('keeps counting the participant asking now while every other one tracked has a request in progress', async () => {
    const { app, prompts, slow } = await aliceInProgress();
    await app.inject({ method: 'PUT', url: '/v1/admin/faults', headers: officer, payload: {} });
    expect((await prompts('bob')).statusCode).toBe(200);
    expect(errorBody(await prompts('bob')).code).toBe('SRV_ERR_RATE_LIMITED');
    expect((await slow).statusCode).toBe(200);
    await app.close();
  });
});
