import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { SERVER_ERRORS, type ServerErrorCode } from '../../server-stub/errors.ts';
import { FaultsSchema } from '../../server-stub/faults/fault-schema.ts';
import { encodeSampleBase64 } from '../../server-stub/sample-encoding.ts';
import { resolveOptions } from '../../server-stub/options.ts';
import { enrol, officer, OFFICER_TOKEN, openWindow, removeTempDirs, testServer, unitVector, type StoreKind } from './server-fixtures.ts';
import { listenOnLoopback, rawExchange } from './raw-http.ts';

/**
 * Bad input, at random: valid requests of every route, then mutated bodies (fields deleted, replaced by
 * any JSON, wrong types, edge numbers, unknown keys), raw text bodies, random headers and random paths.
 * Whatever arrives, the server answers below 500; every refusal is a 4xx whose body has a code of the
 * table with that status and a message that starts with the field it names; and a refused request
 * changes nothing in the store. Personal records get their own run: each of their fields replaced by
 * injection strings, very long or any-unicode text, or any JSON; refusals name exactly that field, and
 * what is accepted reads back unchanged.
 */

afterAll(removeTempDirs);

const DIMENSION = 8;
const NO_FAULTS = resolveOptions({}).faults;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Base {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  auth: 'officer' | 'alice';
  body?: Json;
}

const vector = (seed: string) => unitVector(seed, DIMENSION);
// Fixed, so every run tries the same requests: the codes asserted below are then always reached.
const FUZZ_SEED = 1;
const RECORD = {
  name: 'Ana María Pérez',
  dateOfBirth: '1987-03-14',
  language: 'es',
  phoneNumber: '(713) 555-0142',
  homeAddress: { street: '4821 Maple Ave', city: 'East Kaylaborough', region: 'TX', postalCode: '77002' },
  office: 'Houston field office',
  caseNumber: 'SYN-00421733-7',
};
const BASES: Base[] = [
  { method: 'POST', url: '/v1/participants', auth: 'officer', body: { participantId: 'new-1', template: vector('n'), timeZone: 'eastern', personalRecord: RECORD } },
  { method: 'POST', url: '/v1/participants/bulk', auth: 'officer', body: { participants: [{ participantId: 'bulk-1', template: vector('b'), personalRecord: RECORD }] } },
  { method: 'POST', url: '/v1/participants/alice/windows', auth: 'officer', body: { windowId: 'w-2', kind: 'adhoc', openedAt: 5 } },
  {
    method: 'POST',
    url: '/v1/participants/alice/checkins',
    auth: 'alice',
    body: { windowId: 'w-1', attemptId: 'a-1', modality: 'face', sample: vector('alice'), capture: { livenessScore: 0.5, poorLight: false, device: 'X' }, location: { lat: 1, lon: 2, accuracyM: 3 } },
  },
  { method: 'POST', url: '/v1/participants/alice/calls', auth: 'alice', body: { windowId: 'w-1', attemptId: 'c-1', sample: vector('alice'), call: { direction: 'inbound', durationSeconds: 30 } } },
  {
    method: 'POST',
    url: '/v1/participants/alice/checkins',
    auth: 'alice',
    body: { windowId: 'w-1', attemptId: 'a-2', modality: 'face', sampleBase64: encodeSampleBase64(vector('alice')), capture: { livenessScore: 0.5 } },
  },
  { method: 'POST', url: '/v1/participants/alice/calls', auth: 'alice', body: { windowId: 'w-1', attemptId: 'c-2', sampleBase64: encodeSampleBase64(vector('alice')), call: { direction: 'outbound', durationSeconds: 30 } } },
  { method: 'PUT', url: '/v1/admin/faults', auth: 'officer', body: { latency: { fixedMs: 0, jitterMs: 0 }, errorRate: { checkin: 0 }, outages: [], slowDatabase: { delayMs: 0 } } },
  { method: 'POST', url: '/v1/windows/bulk', auth: 'officer', body: { windows: [{ participantId: 'alice', windowId: 'w-3', kind: 'scheduled', openedAt: 7 }] } },
  { method: 'POST', url: '/v1/windows/close-due', auth: 'officer' },
  { method: 'GET', url: '/v1/participants/alice/status', auth: 'officer' },
  { method: 'GET', url: '/v1/participants/alice/history?limit=5', auth: 'officer' },
  { method: 'GET', url: '/v1/participants/alice/windows/open', auth: 'alice' },
];

/** Every path into a JSON value, the root included. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) value.forEach((child, index) => paths.push(...pathsOf(child, [...prefix, index])));
  else if (value !== null && typeof value === 'object') for (const [key, child] of Object.entries(value)) paths.push(...pathsOf(child, [...prefix, key]));
  return paths;
}

/** Text aimed at whatever might interpret it downstream: SQL, markup, templates, paths, control and bidi characters. */
const INJECTIONS = [
  "Robert'); DROP TABLE participants;--",
  "' OR '1'='1",
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${process.exit(1)}',
  '../../../etc/passwd',
  '%00',
  'a\u0000b',
  '\u202eevil',
  'a\u200bb',
  '__proto__',
  '{"$gt":""}',
  '\\',
  '😀',
  'Zoë Saldaña',
  '李小龍',
  'e\u0301',
];
const hostileText = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ minLength: 100, maxLength: 5_000 }),
  fc.integer({ min: 100, max: 20_000 }).map((length) => 'Ñ'.repeat(length)),
);
const edgeNumbers = fc.constantFrom(0, -0, -1, 1.5, 2, 1001, -1001, 1e308, -1e308, 2 ** 53, Number.MIN_VALUE, 0.999999);
const wrongTypes = fc.constantFrom<Json>(null, true, '', '1', [], {}, [null], { a: 1 });
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'edge', 'wrongType', 'addKey'),
  value: fc.oneof(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, edgeNumbers, wrongTypes, hostileText),
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'participantId', 'sample')),
});

type Mutation = { at: number; op: 'delete' | 'replace' | 'edge' | 'wrongType' | 'addKey'; value: Json; key: string };

function mutate(body: Json, mutations: Mutation[]): Json {
  let result = structuredClone(body);
  for (const { at, op, value: shared, key } of mutations) {
    const value = structuredClone(shared);
    const paths = pathsOf(result);
    const path = paths[at % paths.length]!;
    if (path.length === 0) {
      if (op === 'addKey' && result !== null && typeof result === 'object' && !Array.isArray(result)) Object.defineProperty(result, key, { value, enumerable: true, configurable: true, writable: true });
      else if (op !== 'delete') result = op === 'edge' || op === 'wrongType' || op === 'replace' ? value : result;
      continue;
    }
    const parent = path.slice(0, -1).reduce<Json>((node, segment) => (node as Record<string | number, Json>)[segment]!, result) as Record<string | number, Json>;
    const last = path[path.length - 1]!;
    if (op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (op === 'addKey') {
      const target = parent[last];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
      else parent[last] = value;
    } else {
      parent[last] = value;
    }
  }
  return result;
}

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 80 });
const idSegment = fc.oneof(
  fc.constantFrom('alice', 'bob', 'ghost', '', '%', '%zz', '%E0%A4%A', 'a.b', '..', 'alice%00', 'x'.repeat(101), 'x'.repeat(64), 'x'.repeat(65)),
  fc.webSegment(),
  printable.map(encodeURIComponent),
);
const authorization = (tokens: Tokens) =>
  fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(`Bearer ${tokens.alice}`, `Bearer ${tokens.bob}`, `Bearer ${OFFICER_TOKEN}`, `Bearer ${OFFICER_TOKEN}x`, tokens.alice, `Bearer ${tokens.alice.slice(0, -1)}`, 'Bearer ', 'bearer x'),
    printable,
    printable.map((text) => `Bearer ${text}`),
    fc.tuple(fc.constantFrom('alice', 'bob', 'ghost'), fc.nat()).map(([id, exp]) => `Bearer v1.${id}.${exp}.${tokens.alice.split('.')[3]}`),
  );
const contentType = fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', ''), printable);

interface Tokens {
  alice: string;
  bob: string;
}

/** One random request, built on one of the valid bases. */
function requests(tokens: Tokens): fc.Arbitrary<InjectOptions> {
  const base = fc.constantFrom(...BASES);
  const auth = (b: Base) => (b.auth === 'officer' ? `Bearer ${OFFICER_TOKEN}` : `Bearer ${tokens.alice}`);
  const mutatedBody = fc.tuple(base, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([b, mutations]): InjectOptions => ({
    method: b.method,
    url: b.url,
    headers: { authorization: auth(b), 'content-type': 'application/json' },
    payload: JSON.stringify(mutate(b.body ?? {}, mutations)),
  }));
  const rawBody = fc.tuple(base, fc.oneof(printable, fc.nat())).map(([b, cut]): InjectOptions => ({
    method: b.method === 'GET' ? 'POST' : b.method,
    url: b.url,
    headers: { authorization: auth(b), 'content-type': 'application/json' },
    payload: typeof cut === 'string' ? cut : JSON.stringify(b.body ?? {}).slice(0, cut % 200),
  }));
  const headers = fc.tuple(base, authorization(tokens), contentType).map(([b, authHeader, type]): InjectOptions => ({
    method: b.method,
    url: b.url,
    headers: { ...(authHeader !== undefined && { authorization: authHeader }), ...(b.body !== undefined && { 'content-type': type }) },
    ...(b.body !== undefined && { payload: JSON.stringify(b.body) }),
  }));
  const paths = fc
    .tuple(base, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') as fc.Arbitrary<InjectOptions['method']>, idSegment, fc.oneof(fc.constant(''), fc.webSegment().map((s) => `/${s}`), fc.webQueryParameters().map((q) => `?${q}`)))
    .map(([b, method, id, suffix]): InjectOptions => ({
      method,
      url: `${b.url.split('?')[0]!.replace('alice', id)}${suffix}`,
      headers: { authorization: auth(b), 'content-type': 'application/json' },
      payload: JSON.stringify(b.body ?? {}),
    }));
  return fc.oneof({ arbitrary: mutatedBody, weight: 6 }, { arbitrary: rawBody, weight: 1 }, { arbitrary: headers, weight: 2 }, { arbitrary: paths, weight: 2 });
}

/**
 * Checks a refusal against the error contract: the body is exactly `{ code, message, field }`, the code
 * is in the table with this status, the field is one a client can find, and the message starts with it;
 * a 401 carries its challenge and a 405 its Allow header. Returns the code.
 */
function expectContractRefusal(status: number, text: string, headers: Record<string, string | undefined>): ServerErrorCode {
  expect(headers['content-type'], text).toBe('application/json; charset=utf-8');
  const body = JSON.parse(text) as { code: ServerErrorCode; message: string; field?: string };
  expect(Object.keys(body).sort(), text).toEqual(['code', 'field', 'message']);
  expect(SERVER_ERRORS[body.code]?.status, text).toBe(status);
  expect(body.field, text).toMatch(/^(body|params|query|headers|url|method|request)\b/);
  expect(body.message.startsWith(`${body.field}: `), text).toBe(true);
  expect(body.message.length, text).toBeGreaterThan(body.field!.length + 6);
  if (status === 401) expect(headers['www-authenticate'], text).toMatch(/^Bearer realm="checkin-sim"/);
  if (status === 405) expect(headers.allow, text).toMatch(/^[A-Z]+(, [A-Z]+)*$/);
  return body.code;
}

async function fuzz(store: StoreKind, numRuns: number): Promise<{ refused: number; accepted: number; codes: Set<string> }> {
  const app: FastifyInstance = testServer({ dimension: DIMENSION, overload: { maxEventLoopDelayMs: 0 }, clock: { factor: 1, startMs: 0 } }, store);
  const tokens = { alice: await enrol(app, 'alice', vector('alice')), bob: await enrol(app, 'bob', vector('bob')) };
  await openWindow(app, 'alice', 'w-1', { openedAt: 0 });
  const counts = { refused: 0, accepted: 0, codes: new Set<string>() };
  await fc.assert(
    fc.asyncProperty(requests(tokens), async (request) => {
      const before = app.checkin.store.changeCount();
      const response = await app.inject(request);
      app.checkin.faults.replace(NO_FAULTS);
      expect(response.statusCode, response.body).toBeLessThan(500);
      if (response.statusCode < 400) {
        counts.accepted++;
        return;
      }
      counts.refused++;
      counts.codes.add(expectContractRefusal(response.statusCode, response.body, response.headers as Record<string, string>));
      expect(app.checkin.store.changeCount()).toBe(before);
    }),
    { numRuns, seed: FUZZ_SEED },
  );
  await app.close();
  return counts;
}

const RECORD_FIELDS = ['name', 'dateOfBirth', 'language', 'phoneNumber', 'homeAddress.street', 'homeAddress.city', 'homeAddress.region', 'homeAddress.postalCode', 'office', 'caseNumber'];

/** Enrols with one field of the personal record replaced: accepted and read back intact, or refused naming that field. */
async function fuzzPersonalRecords(store: StoreKind, numRuns: number): Promise<{ accepted: number; refused: number }> {
  const app: FastifyInstance = testServer({ dimension: DIMENSION, overload: { maxEventLoopDelayMs: 0 } }, store);
  const counts = { accepted: 0, refused: 0 };
  let next = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...RECORD_FIELDS), fc.oneof({ arbitrary: hostileText, weight: 4 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 }), async (path, value) => {
      const participantId = `r-${next++}`;
      const record = structuredClone(RECORD) as Record<string, unknown>;
      const [outer, inner] = path.split('.') as [string, string | undefined];
      if (inner === undefined) record[outer] = value;
      else (record[outer] as Record<string, unknown>)[inner] = value;
      const before = app.checkin.store.changeCount();
      const response = await app.inject({ method: 'POST', url: '/v1/participants', headers: officer, payload: { participantId, template: vector(participantId), personalRecord: record } });
      expect(response.statusCode, response.body).toBeLessThan(500);
      if (response.statusCode === 201) {
        counts.accepted++;
        const read = await app.inject({ method: 'GET', url: `/v1/participants/${participantId}/record`, headers: officer });
        expect(read.json().personalRecord).toEqual(record);
        return;
      }
      counts.refused++;
      const body = response.json<{ code: ServerErrorCode; message: string; field: string }>();
      expect(response.statusCode).toBe(400);
      if (body.code === 'SRV_ERR_MALFORMED_JSON') {
        // A value that is an object with a key such as __proto__: refused before any schema, as the contract says.
        expect(JSON.stringify(value)).toMatch(/"(__proto__|constructor|prototype)":/);
        expect(body.field).toBe('body');
      } else {
        expect(body.code).toBe('SRV_ERR_VALIDATION');
        expect(body.field).toBe(`body.personalRecord.${path}`);
        expect(body.message.startsWith(`${body.field}: expected `)).toBe(true);
      }
      expect(app.checkin.store.changeCount()).toBe(before);
    }),
    { numRuns, seed: FUZZ_SEED },
  );
  await app.close();
  return counts;
}

/**
 * Raw requests, for what the HTTP parser and the router see before any route: request lines with
 * broken methods, targets and versions, malformed or oversized headers, bare LF line ends, paths with
 * broken percent-encodings, CONNECT, Expect, bodies framed by Content-Length or chunks (or badly).
 * Each is sent on its own connection, framed so that the server never waits for more bytes.
 */
function rawRequests(tokens: Tokens): fc.Arbitrary<{ text: string; line: string }> {
  const anyChar = fc.integer({ min: 0, max: 0xff }).map((code) => String.fromCharCode(code));
  const tokenChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_!#$%&*+.^|~');
  const method = fc
    .oneof(
      { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE', 'PROPFIND', 'SEARCH'), weight: 6 },
      { arbitrary: fc.string({ unit: tokenChar, minLength: 1, maxLength: 10 }), weight: 1 },
      { arbitrary: fc.string({ unit: anyChar, maxLength: 8 }), weight: 1 },
    )
    .filter((name) => name !== 'HEAD');
  const known = BASES.map((base) => base.url);
  const target = fc.oneof(
    { arbitrary: fc.constantFrom(...known, '/healthz', '/readyz', '/openapi.json', '/v1/participants/alice/record'), weight: 4 },
    {
      arbitrary: fc.tuple(fc.constantFrom(...known), fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F', '..', 'a b', 'ä', '\u0000', '\t', '%C0%AF', 'x'.repeat(120))).map(([url, id]) =>
        url.replace('alice', id),
      ),
      weight: 4,
    },
    { arbitrary: fc.constantFrom('*', '', 'http://127.0.0.1/healthz', '//healthz', '/healthz?%zz', '/v1//participants', `/${'a'.repeat(20_000)}`, 'example.com:443'), weight: 2 },
    { arbitrary: fc.string({ unit: anyChar, maxLength: 40 }).map((text) => `/${text}`), weight: 2 },
  );
  const version = fc.oneof(
    { arbitrary: fc.constant('HTTP/1.1'), weight: 12 },
    { arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.2', 'HTTP/0.9', 'http/1.1', 'HTTPS/1.1', 'HTTP/1.1 extra', ''), weight: 2 },
  );
  const auth = fc.constantFrom(`Bearer ${OFFICER_TOKEN}`, `bearer ${tokens.alice}`, `Bearer ${tokens.bob}`, 'Bearer', 'Basic eDp5', `BEARER  ${OFFICER_TOKEN}`);
  const header = fc.oneof(
    { arbitrary: auth.map((value) => `Authorization: ${value}`), weight: 4 },
    {
      arbitrary: fc.constantFrom(
        'Accept: */*',
        'Bad Header: x',
        'X-Ctl: a\u0001b',
        'X-Del: \u007f',
        'X-Nul: a\u0000b',
        'NoColon',
        ': empty-name',
        ' X-Leading-Space: 1',
        'X-Folded: a\r\n folded',
        'Content-Length: abc',
        'Content-Length: -1',
        'Content-Length: 1, 2',
        'Transfer-Encoding: gzip',
        'Transfer-Encoding: chunked, gzip',
        'Expect: 100-continue',
        'Expect: teapot',
        'Connection: Upgrade\r\nUpgrade: websocket',
        'Content-Type: text/plain',
        'Content-Type: application/json; charset=latin1',
        'Content-Type: ',
        `X-Big: ${'a'.repeat(17_000)}`,
        'Host: other.example',
        'Host: a\r\nHost: b',
      ),
      weight: 3,
    },
    { arbitrary: fc.tuple(fc.string({ unit: tokenChar, minLength: 1, maxLength: 12 }), fc.string({ unit: anyChar, maxLength: 30 })).map(([name, value]) => `X-${name}: ${value}`), weight: 2 },
  );
  const baseBody = fc.constantFrom(...BASES.map((base) => JSON.stringify(base.body ?? {})));
  const body = fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    { arbitrary: baseBody, weight: 3 },
    { arbitrary: printable, weight: 1 },
    { arbitrary: fc.constantFrom('null', '[]', '{}', '{"__proto__":{}}', '{'), weight: 1 },
  );
  const framing = fc.constantFrom('length', 'length', 'chunked', 'bad-chunks', 'none');
  return fc
    .record({
      method,
      target,
      version,
      gap: fc.constantFrom(' ', ' ', ' ', '\t', '  '),
      host: fc.nat(9).map((n) => n > 0),
      headers: fc.array(header, { maxLength: 4 }),
      contentType: fc.boolean(),
      body,
      framing,
      eol: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
    })
    .map(({ method: verb, target: path, version: proto, gap, host, headers, contentType, body: text, framing: frame, eol }) => {
      const line = [verb, path, proto].filter((part) => part !== '').join(gap);
      const lines = [line, ...(host ? ['Host: 127.0.0.1'] : []), ...headers];
      if (contentType && text !== '') lines.push('Content-Type: application/json');
      let payload = '';
      if (text !== '' && frame === 'length') {
        lines.push(`Content-Length: ${Buffer.byteLength(text, 'latin1')}`);
        payload = text;
      } else if (text !== '' && frame === 'chunked') {
        lines.push('Transfer-Encoding: chunked');
        payload = `${Buffer.byteLength(text, 'latin1').toString(16)}\r\n${text}\r\n0\r\n\r\n`;
      } else if (text !== '' && frame === 'bad-chunks') {
        lines.push('Transfer-Encoding: chunked');
        payload = `zz\r\n${text}\r\n0\r\n\r\n`;
      }
      lines.push('Connection: close');
      return { text: `${lines.join(eol)}${eol}${eol}${payload}`, line };
    });
}

/**
 * Raw requests over real connections: every answer is a contract body below 500, and none waits long.
 * The request timeout is short here because one kind of request is only ever answered by it: with
 * `Connection: Upgrade` and `Upgrade:` set, Node's parser swallows errors in a chunked body (it takes
 * them for the start of the new protocol), so the body never ends and the answer is 408.
 */
async function fuzzRaw(numRuns: number): Promise<{ refused: number; accepted: number; codes: Set<string> }> {
  const app: FastifyInstance = testServer({ dimension: DIMENSION, clock: { factor: 1, startMs: 0 }, http: { requestTimeoutMs: 500, headersTimeoutMs: 500 } });
  const tokens = { alice: await enrol(app, 'alice', vector('alice')), bob: await enrol(app, 'bob', vector('bob')) };
  await openWindow(app, 'alice', 'w-1', { openedAt: 0 });
  const port = await listenOnLoopback(app);
  const counts = { refused: 0, accepted: 0, codes: new Set<string>() };
  try {
    await fc.assert(
      fc.asyncProperty(rawRequests(tokens), async ({ text, line }) => {
        const before = app.checkin.store.changeCount();
        const exchange = await rawExchange(port, Buffer.from(text, 'latin1'), { responses: 1, timeoutMs: 3000 });
        const context = `${JSON.stringify(line.slice(0, 120))}: ${exchange.events.join(' ')}`;
        expect(exchange.events, context).not.toContain('timeout');
        expect(exchange.responses.length, context).toBe(1);
        const response = exchange.responses[0]!;
        expect(response.status, `${context} ${response.body}`).toBeLessThan(500);
        if (response.status < 400) {
          counts.accepted++;
          return;
        }
        counts.refused++;
        counts.codes.add(expectContractRefusal(response.status, response.body, response.headers));
        expect(app.checkin.store.changeCount(), context).toBe(before);
      }),
      { numRuns, seed: FUZZ_SEED },
    );
  } finally {
    await app.close();
  }
  return counts;
}

describe('bad input, at random', () => {
  it('never answers 5xx to 10,000 random and mutated requests (memory store)', async () => {
    const counts = await fuzz('memory', 10_000);
    expect(counts.refused + counts.accepted).toBe(10_000);
    expect(counts.refused).toBeGreaterThan(5_000);
    expect([...counts.codes].sort()).toEqual(expect.arrayContaining(['SRV_ERR_VALIDATION', 'SRV_ERR_MALFORMED_JSON', 'SRV_ERR_TOKEN_INVALID', 'SRV_ERR_ROUTE_NOT_FOUND', 'SRV_ERR_FORBIDDEN_PARTICIPANT']));
    console.log(`fuzz: ${counts.refused} refused, ${counts.accepted} accepted; codes: ${[...counts.codes].sort().join(' ')}`);
  });

  it('holds the same on the SQLite store', async () => {
    await fuzz('sqlite', 2_000);
  });

  it('never answers 5xx to 3,000 hostile personal record fields, and every refusal names the field (memory store)', async () => {
    const counts = await fuzzPersonalRecords('memory', 3_000);
    expect(counts.refused).toBeGreaterThan(1_500);
    expect(counts.accepted).toBeGreaterThan(20);
    console.log(`personal record fuzz: ${counts.refused} refused, ${counts.accepted} accepted and read back intact`);
  });

  it('holds the same for personal records on the SQLite store', async () => {
    const counts = await fuzzPersonalRecords('sqlite', 1_000);
    expect(counts.accepted).toBeGreaterThan(5);
  });

  it('answers 3,000 raw requests (malformed request lines, headers and paths) with a contract body, never a 5xx, never a hang', async () => {
    const counts = await fuzzRaw(3_000);
    expect(counts.refused + counts.accepted).toBe(3_000);
    expect(counts.refused).toBeGreaterThan(1_500);
    expect([...counts.codes]).toEqual(
      expect.arrayContaining(['SRV_ERR_BAD_REQUEST', 'SRV_ERR_HEADERS_TOO_LARGE', 'SRV_ERR_ROUTE_NOT_FOUND', 'SRV_ERR_METHOD_NOT_ALLOWED', 'SRV_ERR_EXPECTATION_FAILED', 'SRV_ERR_TOKEN_INVALID']),
    );
    console.log(`raw fuzz: ${counts.refused} refused, ${counts.accepted} accepted; codes: ${[...counts.codes].sort().join(' ')}`);
  });

  it('uses the faults schema the admin route validates against', () => {
    expect(Object.keys(FaultsSchema.properties).sort()).toEqual(Object.keys(NO_FAULTS).sort());
  });
});
