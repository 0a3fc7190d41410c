import { afterAll, describe, expect, it } from 'vitest';
import { coarsenLocation } from '../../server-stub/location.ts';
import { buildServer } from '../../server-stub/build-server.ts';
import { bearer, enrol, faceCheckIn, officer, OFFICER_TOKEN, openWindow, postCheckIn, removeTempDirs, STORE_KINDS, testServer, unitVector } from './server-fixtures.ts';

afterAll(removeTempDirs);

const DAY = 86_400_000;

describe('location privacy', () => {
  it('coarsens to the configured precision (default about 1 km)', () => {
    expect(coarsenLocation(40.712776, -74.005974, 0.01)).toEqual({ lat: 40.71, lon: -74.01 });
    expect(coarsenLocation(0.004, -0.004, 0.01)).toEqual({ lat: 0, lon: 0 });
    expect(coarsenLocation(51.5074, -0.1278, 0.25)).toEqual({ lat: 51.5, lon: -0.25 });
    expect(coarsenLocation(89.99, 179.99, 0.7)).toEqual({ lat: 90, lon: 179.9 });
  });

  it.each(STORE_KINDS)('keeps a location only with its check-in, and deletes it after the retention period (%s store)', async (store) => {
    // One virtual day every 2 s of wall time.
    const app = testServer({ clock: { factor: DAY / 2000, startMs: 0 }, location: { precisionDeg: 0.1, retentionDays: 1 }, policy: { windowMinutes: 100_000 } }, store);
    const template = unitVector('p-1');
    const token = await enrol(app, 'p-1', template);
    await openWindow(app, 'p-1', 'w-1');
    await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-1', template, { location: { lat: 12.3456, lon: 65.4321, accuracyM: 8 } }));
    await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-2', template));
    expect(app.checkin.store.counts().locationPoints).toBe(1);
    const history = (await app.inject({ method: 'GET', url: '/v1/participants/p-1/history', headers: officer })).json();
    expect(history.attempts[0].location).toEqual({ lat: 12.3, lon: 65.4 });
    expect(JSON.stringify(history)).not.toContain('accuracy');

    expect(app.checkin.service.deleteExpiredPersonalData().locations).toBe(0);
    await expect.poll(() => app.checkin.service.deleteExpiredPersonalData().locations, { timeout: 10_000, interval: 100 }).toBe(1);
    expect(app.checkin.store.counts().locationPoints).toBe(0);
    const after = (await app.inject({ method: 'GET', url: '/v1/participants/p-1/history', headers: officer })).json();
    expect(after.attempts[0].location).toBeUndefined();
    expect(after.attempts).toHaveLength(2);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('checkin_location_points 0');
    await app.close();
  });

  it('writes no sample, template or location to the logs', async () => {
    const lines: string[] = [];
    const app = buildServer({ officerToken: OFFICER_TOKEN, housekeepingIntervalMs: 0, logLevel: 'debug' }, { logStream: { write: (line) => void lines.push(line) } });
    const template = unitVector('p-1');
    const token = await enrol(app, 'p-1', template);
    await openWindow(app, 'p-1', 'w-1');
    await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-1', template, { location: { lat: 12.3456, lon: 65.4321, accuracyM: 8 } }));
    await app.inject({ method: 'POST', url: '/v1/participants/p-1/checkins', headers: bearer(token), payload: { ...faceCheckIn('w-1', 'a-2', template), location: { lat: 99.8765, lon: 1, accuracyM: 1 } } });
    app.checkin.store.insertAttempt = () => {
      throw Object.assign(new Error('boom'), { sample: template, location: { lat: 12.3456 } });
    };
    await postCheckIn(app, token, 'p-1', faceCheckIn('w-1', 'a-3', template, { location: { lat: 12.3456, lon: 65.4321, accuracyM: 8 } }));
    await app.close();
    // Without the timings: they are numbers too, and one may hold the digits looked for (a responseTime of 12.349… ms did).
    const log = lines
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.stringify({ ...JSON.parse(line), time: undefined, responseTime: undefined }))
      .join('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(log).toContain('boom');
    expect(log).not.toContain(String(template[0]).slice(0, 10));
    expect(log).not.toContain('12.34');
    expect(log).not.toContain('99.87');
  });
});
