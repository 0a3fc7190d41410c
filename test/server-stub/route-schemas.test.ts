import type { RouteOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { officer, removeTempDirs, testServer } from './server-fixtures.ts';

/**
 * Every route validates what it takes against a schema: close-due takes an empty object or no body at
 * all, and refuses anything else with 400 and the contract body; no route that takes a body, a path
 * parameter or a query is left without a schema for it.
 */

afterAll(removeTempDirs);

const CLOSE_DUE = '/v1/windows/close-due';

describe('POST /v1/windows/close-due', () => {
  it('takes no body, or an empty object', async () => {
    const app = testServer();
    const noBody = await app.inject({ method: 'POST', url: CLOSE_DUE, headers: officer });
    expect(noBody.statusCode).toBe(200);
    expect(noBody.json()).toMatchObject({ closed: 0, verdicts: { verified: 0, rejected: 0, missed: 0 }, escalations: 0 });
    const empty = await app.inject({ method: 'POST', url: CLOSE_DUE, headers: { ...officer, 'content-type': 'application/json' }, payload: '{}' });
    expect(empty.statusCode).toBe(200);
    const spaced = await app.inject({ method: 'POST', url: CLOSE_DUE, headers: { ...officer, 'content-type': 'application/json' }, payload: ' { } ' });
    expect(spaced.statusCode).toBe(200);
    await app.close();
  });

  it('refuses null, arrays, scalars and unknown fields with 400 SRV_ERR_VALIDATION, closing nothing', async () => {
    const app = testServer();
    const cases: [string, { message: string; field: string }][] = [
      ['null', { field: 'body', message: 'body: expected object' }],
      ['[]', { field: 'body', message: 'body: expected object' }],
      ['[{}]', { field: 'body', message: 'body: expected object' }],
      ['"close"', { field: 'body', message: 'body: expected object' }],
      ['1', { field: 'body', message: 'body: expected object' }],
      ['true', { field: 'body', message: 'body: expected object' }],
      ['{"now":5}', { field: 'body.now', message: 'body.now: is not a known field; remove it' }],
      ['{"force":true,"limit":1}', { field: 'body.force', message: 'body.force: is not a known field; remove it' }],
    ];
    const before = app.checkin.store.changeCount();
    for (const [payload, expected] of cases) {
      const response = await app.inject({ method: 'POST', url: CLOSE_DUE, headers: { ...officer, 'content-type': 'application/json' }, payload });
      expect(response.statusCode, payload).toBe(400);
      expect(response.json(), payload).toEqual({ code: 'SRV_ERR_VALIDATION', ...expected });
    }
    expect(app.checkin.store.changeCount()).toBe(before);
    await app.close();
  });

  it('refuses a body that is not JSON, or an empty one declared as JSON, with the contract body', async () => {
    const app = testServer();
    const notJson = await app.inject({ method: 'POST', url: CLOSE_DUE, headers: { ...officer, 'content-type': 'application/json' }, payload: 'close' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toEqual({ code: 'SRV_ERR_MALFORMED_JSON', message: 'body: expected a JSON document', field: 'body' });
    const text = await app.inject({ method: 'POST', url: CLOSE_DUE, headers: { ...officer, 'content-type': 'text/plain' }, payload: '{}' });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toEqual({ code: 'SRV_ERR_UNSUPPORTED_MEDIA_TYPE', message: 'headers.content-type: expected application/json', field: 'headers.content-type' });
    await app.close();
  });

  it('documents its body as optional in the API document', async () => {
    const app = testServer();
    await app.ready();
    const operation = (app.swagger() as { paths: Record<string, { post: { requestBody: { required: boolean; content: Record<string, { schema: unknown }> } } }> }).paths[CLOSE_DUE]!.post;
    expect(operation.requestBody.required).toBe(false);
    expect(operation.requestBody.content['application/json']!.schema).toMatchObject({ type: 'object', additionalProperties: false, properties: {} });
    await app.close();
  });
});

describe('every route', () => {
  it('declares a schema for each part of the request it takes: body, path parameters, query', async () => {
    const app = testServer();
    const routes: RouteOptions[] = [];
    app.addHook('onRoute', (route) => {
      routes.push(route);
    });
    await app.ready();
    const api = routes.filter((route) => route.url.startsWith('/v1/'));
    expect(api.length).toBeGreaterThan(10);
    for (const route of routes) {
      const methods = [route.method].flat();
      const name = `${methods.join(',')} ${route.url}`;
      if (methods.some((method) => ['POST', 'PUT', 'PATCH'].includes(method))) expect(route.schema?.body, name).toBeDefined();
      if (route.url.includes('/:')) expect(route.schema?.params, name).toBeDefined();
    }
    const history = routes.find((route) => route.url === '/v1/participants/:id/history' && route.method === 'GET');
    expect(history?.schema?.querystring).toBeDefined();
    await app.close();
  });
});
