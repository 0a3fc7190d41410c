import { afterAll, describe, expect, it } from 'vitest';
import { bearer, enrol, errorBody, faceCheckIn, officer, openWindow, postCheckIn, removeTempDirs, testServer, unitVector } from './server-fixtures.ts';

afterAll(removeTempDirs);

const NO_FAULTS = {
  latency: { fixedMs: 0, jitterMs: 0 },
  errorRate: { enrol: 0, enrolBulk: 0, openWindow: 0, openWindowsBulk: 0, openPrompts: 0, checkin: 0, call: 0, status: 0, history: 0, closeDue: 0 },
  outages: [],
  slowDatabase: { delayMs: 0, jitterMs: 0, blocking: false },
};

describe('fault injection', () => {
  it('shows and replaces the faults in force (officer only), filling defaults', async () => {
    const app = testServer();
    const shown = await app.inject({ method: 'GET', url: '/v1/admin/faults', headers: officer });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual(NO_FAULTS);
    const replaced = await app.inject({ method: 'PUT', url: '/v1/admin/faults', headers: officer, payload: { errorRate: { checkin: 0.5 } } });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toEqual({ ...NO_FAULTS, errorRate: { ...NO_FAULTS.errorRate, checkin: 0.5 } });
    expect(app.checkin.faults.current.errorRate.checkin).toBe(0.5);

    const invalid = await app.inject({ method: 'PUT', url: '/v1/admin/faults', headers: officer, payload: { errorRate: { checkout: 0.5 } } });
    expect(invalid.statusCode).toBe(400);
    expect(errorBody(invalid)).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.errorRate.checkout' });
    const negative = await app.inject({ method: 'PUT', url: '/v1/admin/faults', headers: officer, payload: { latency: { fixedMs: -1 } } });
    expect(errorBody(negative)).toMatchObject({ code: 'SRV_ERR_VALIDATION', field: 'body.latency.fixedMs' });
    expect(app.checkin.faults.current.errorRate.checkin).toBe(0.5);
    await app.close();
  });

  it('refuses participant tokens and no token on the admin routes', async () => {
    const app = testServer();
    const token = await enrol(app, 'p-1');
    for (const method of ['GET', 'PUT'] as const) {
      const asParticipant = await app.inject({ method, url: '/v1/admin/faults', headers: bearer(token), payload: method === 'PUT' ? {} : undefined });
      expect(asParticipant.statusCode).toBe(403);
      expect(errorBody(asParticipant).code).toBe('SRV_ERR_FORBIDDEN_ROLE');
      const anonymous = await app.inject({ method, url: '/v1/admin/faults', payload: method === 'PUT' ? {} : undefined });
      expect(anonymous.statusCode).toBe(401);
    }
    await app.close();
  });

  it('injects errors at the route rate, reproducibly for a fault seed', async () => {
    const run = async () => {
      const app = testServer({ faultSeed: 7, faults: { errorRate: { status: 0.5 } } });
      await enrol(app, 'p-1');
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer })).statusCode);
      const failed = await app.inject({ method: 'PUT', url: '/v1/admin/faults', headers: officer, payload: { errorRate: { status: 1 } } });
      expect(failed.statusCode).toBe(200);
      const error = await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer });
      expect(error.statusCode).toBe(500);
      expect(errorBody(error)).toEqual({ code: 'SRV_ERR_INJECTED_FAULT', message: 'an error injected at rate 1 on route status' });
      await app.close();
      return statuses;
    };
    const first = await run();
    expect(first.filter((status) => status === 500).length).toBeGreaterThan(5);
    expect(first.filter((status) => status === 200).length).toBeGreaterThan(5);
    expect(await run()).toEqual(first);
  });

  it('adds latency and slow-database delay', async () => {
    const app = testServer({ faults: { latency: { fixedMs: 60 }, slowDatabase: { delayMs: 40 } } });
    await enrol(app, 'p-1');
    const started = performance.now();
    const response = await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer });
    expect(response.statusCode).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    const blocking = await app.inject({ method: 'PUT', url: '/v1/admin/faults', headers: officer, payload: { slowDatabase: { delayMs: 30, blocking: true } } });
    expect(blocking.statusCode).toBe(200);
    const heldFrom = performance.now();
    await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer });
    expect(performance.now() - heldFrom).toBeGreaterThanOrEqual(29);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/checkin_faults_injected_total\{kind="latency"\} [1-9]/);
    expect(metrics).toMatch(/checkin_faults_injected_total\{kind="slow_database"\} [1-9]/);
    await app.close();
  });

  it('delays a check-in by the slow-database fault set at run time, then judges it; an invalid body is refused without the delay', async () => {
    const app = testServer();
    const token = await enrol(app, 'p-1');
    await openWindow(app, 'p-1', 'w-1');
    await app.inject({ method: 'PUT', url: '/v1/admin/faults', headers: officer, payload: { slowDatabase: { delayMs: 80 } } });
    expect((await postCheckIn(app, token, 'p-1', { windowId: 'w-1' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('checkin_faults_injected_total{kind="slow_database"} 0');
    const started = performance.now();
    const judged = await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-1', unitVector('p-1')));
    expect(judged.statusCode).toBe(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(79);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('checkin_faults_injected_total{kind="slow_database"} 1');
    await app.close();
  });

  it('refuses API requests during an outage window with Retry-After, while admin and health answer', async () => {
    const app = testServer({ clock: { factor: 100, startMs: 0 } });
    await enrol(app, 'p-1');
    const now = app.checkin.clock.now();
    await app.inject({ method: 'PUT', url: '/v1/admin/faults', headers: officer, payload: { outages: [{ fromMs: now, toMs: now + 60_000 }] } });
    const refused = await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer });
    expect(refused.statusCode).toBe(503);
    expect(errorBody(refused).code).toBe('SRV_ERR_OUTAGE');
    // 60 s of virtual time at 100× is 600 ms of wall time: Retry-After rounds up to 1 s.
    expect(refused.headers['retry-after']).toBe('1');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/admin/faults', headers: officer })).statusCode).toBe(200);
    await expect.poll(async () => (await app.inject({ method: 'GET', url: '/v1/participants/p-1/status', headers: officer })).statusCode, { timeout: 10_000, interval: 50 }).toBe(200);
    await app.close();
  });
});
