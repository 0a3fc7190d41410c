import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../server-stub/build-server.ts';
import { generateOpenApi, OPENAPI_FILE } from '../../server-stub/write-openapi.ts';
import { enrol, errorBody, faceCheckIn, officer, openWindow, postCheckIn, removeTempDirs, testServer, unitVector } from './server-fixtures.ts';

afterAll(removeTempDirs);

describe('health, metrics and API document routes', () => {
  it('answers /healthz and /readyz without a token', async () => {
    const app = testServer();
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', store: 'memory', now: expect.any(Number) });
    await app.close();
  });

  it('is not ready during an injected outage, but still alive', async () => {
    const app = testServer({ clock: { factor: 1, startMs: 0 }, faults: { outages: [{ fromMs: 0, toMs: 60_000 }] } });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(errorBody(ready).code).toBe('SRV_ERR_OUTAGE');
    expect(Number(ready.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });

  it('exposes Prometheus metrics with conventional names', async () => {
    const app = testServer();
    const template = unitVector('p-1');
    const token = await enrol(app, 'p-1', template);
    await openWindow(app, 'p-1', 'w-1');
    await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-1', template, { location: { lat: 1, lon: 2, accuracyM: 3 } }));
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toContain('checkin_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v1/participants/:id/checkins",status_code="201"}');
    expect(text).toContain('checkin_attempts_total{modality="face",outcome="match"} 1');
    expect(text).toContain('checkin_location_points 1');
    expect(text).toContain('checkin_participants 1');
    expect(text).toContain('checkin_windows_open 1');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('process_cpu_seconds_total');
    const names = [...text.matchAll(/^# TYPE (checkin_\S+) (\w+)/gm)].map(([, name, type]) => [name!, type!] as const);
    for (const [name, type] of names) {
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (name.includes('duration')) expect(name).toMatch(/_seconds$/);
    }
    await app.close();
  });

  it('gives each app its own registry', async () => {
    const first = testServer();
    const second = testServer();
    await enrol(first, 'p-1');
    expect((await second.inject({ method: 'GET', url: '/metrics' })).body).toContain('checkin_participants 0');
    await Promise.all([first.close(), second.close()]);
  });

  it('serves the OpenAPI document, identical to the committed server-stub/openapi.json', async () => {
    const app = buildServer({ housekeepingIntervalMs: 0 });
    const served = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(served.statusCode).toBe(200);
    const committed = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
    expect(served.json(), 'run: node --import tsx server-stub/write-openapi.ts').toEqual(committed);
    expect(await generateOpenApi()).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
    expect(Object.keys(committed.paths).sort()).toEqual([
      '/healthz',
      '/metrics',
      '/readyz',
      '/v1/admin/faults',
      '/v1/participants',
      '/v1/participants/bulk',
      '/v1/participants/{id}/calls',
      '/v1/participants/{id}/checkins',
      '/v1/participants/{id}/history',
      '/v1/participants/{id}/record',
      '/v1/participants/{id}/status',
      '/v1/participants/{id}/windows',
      '/v1/participants/{id}/windows/open',
      '/v1/windows/bulk',
      '/v1/windows/close-due',
    ]);
    await app.close();
  });

  it('answers unknown paths with 404 SRV_ERR_ROUTE_NOT_FOUND, and known paths asked with another method with 405 and Allow', async () => {
    const app = testServer();
    for (const [method, url] of [['GET', '/nope'], ['GET', '/v1/participants/p-1/nope'], ['POST', '/v1']] as const) {
      const response = await app.inject({ method, url, headers: officer });
      expect(response.statusCode).toBe(404);
      expect(errorBody(response)).toMatchObject({ code: 'SRV_ERR_ROUTE_NOT_FOUND', field: 'url' });
    }
    for (const [method, url, allow] of [['DELETE', '/v1/participants', 'POST'], ['GET', '/v1/participants/p-1/checkins', 'POST'], ['PUT', '/healthz', 'GET, HEAD']] as const) {
      const response = await app.inject({ method, url, headers: officer });
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(errorBody(response)).toMatchObject({ code: 'SRV_ERR_METHOD_NOT_ALLOWED', field: 'method' });
    }
    await app.close();
  });
});
