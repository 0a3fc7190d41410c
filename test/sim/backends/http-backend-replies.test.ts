import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpBackend } from '../../../sim/backends/http.ts';
import type { CheckInAttempt } from '../../../sim/backends/backend.ts';

const attempt: CheckInAttempt = {
  participantId: 0,
  windowIndex: 3,
  windowKind: 'scheduled',
  windowOpensAt: 0,
  windowClosesAt: 0,
  attemptIndex: 1,
  at: 0,
  modality: 'face',
  sample: { rho: 1, sigma: 0.15, z1: 0.3, z2: 0, rest: 120 },
  livenessScore: 0.9,
};

let server: Server | undefined;
let backend: HttpBackend | undefined;

async function stopBoth(): Promise<void> {
  await backend?.close();
  if (server) {
    const stopping = server;
    stopping.closeAllConnections();
    await new Promise((resolve) => stopping.close(resolve));
  }
  server = backend = undefined;
}

afterEach(stopBoth);

/** A backend against a local server that answers every request with `handle`. */
async function backendFor(handle: (request: IncomingMessage, response: ServerResponse, body: string) => void): Promise<HttpBackend> {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => handle(request, response, body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  backend = new HttpBackend(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'officer', { connections: 2, requestTimeoutMs: 300 });
  return backend;
}

const submit = (target: HttpBackend) => target.submit({ attempt, participantId: 'p7', token: 'tok-7', sample: new Float64Array([0.5, -0.25]) });

describe('a check-in over HTTP', () => {
  it('sends the path, token and body, and reads a judgement that arrives in several chunks', async () => {
    let seen: { url?: string; authorization?: string; contentType?: string; body?: string } = {};
    const target = await backendFor((request, response, body) => {
      seen = { url: request.url, authorization: request.headers.authorization, contentType: request.headers['content-type'], body };
      response.writeHead(201, { 'content-type': 'application/json' });
      response.write('{"judgement":"below_th');
      setTimeout(() => response.end('reshold","similarity":0.61}'), 20);
    });
    expect(await submit(target)).toEqual({ outcome: 'judged', judgement: 'below_threshold', similarity: 0.61 });
    expect(seen.url).toBe('/v1/participants/p7/checkins');
    expect(seen.authorization).toBe('Bearer tok-7');
    expect(seen.contentType).toBe('application/json');
    expect(JSON.parse(seen.body!)).toMatchObject({ windowId: '3', attemptId: '3-1', modality: 'face', capture: { livenessScore: 0.9 } });
  });

  it('reads a judgement whose other fields hold characters beyond ASCII, and refuses one that is not whole JSON', async () => {
    const judged = '{"judgement":"match","similarity":0.8123,"reason":"similarity 0.8123 ≥ face threshold 0.6","note":"“é”"}';
    const target = await backendFor((_request, response) => response.writeHead(201, { 'content-type': 'application/json; charset=utf-8' }).end(judged));
    expect(await submit(target)).toEqual({ outcome: 'judged', judgement: 'match', similarity: 0.8123 });
    await stopBoth();
    const cut = await backendFor((_request, response) => response.writeHead(201, { 'content-type': 'application/json' }).end(judged.slice(0, -3)));
    expect(await submit(cut)).toEqual({ outcome: 'server_error', errorKind: 'bad_response' });
  });

  it('maps each way of not being judged to its outcome and error kind', async () => {
    const cases: [string, (response: ServerResponse) => void, object][] = [
      ['a window closed', (r) => r.writeHead(409, { 'content-type': 'application/json' }).end('{"code":"SRV_ERR_WINDOW_CLOSED"}'), { outcome: 'too_late', errorKind: 'window_closed' }],
      ['a coded server error', (r) => r.writeHead(503, { 'content-type': 'application/json' }).end('{"code":"SRV_ERR_OVERLOADED"}'), { outcome: 'server_error', errorKind: 'http_503_overloaded' }],
      ['a coded error whose code is not ASCII, read as UTF-8', (r) => r.writeHead(409, { 'content-type': 'application/json' }).end('{"code":"SRV_ERR_ÉTAT_≥"}'), { outcome: 'server_error', errorKind: 'http_409_état_≥' }],
      ['an answer that is not JSON', (r) => r.writeHead(200).end('<html>ok</html>'), { outcome: 'server_error', errorKind: 'bad_response' }],
      ['an empty error answer', (r) => r.writeHead(500).end(), { outcome: 'server_error', errorKind: 'http_500' }],
      ['no answer within the timeout', () => {}, { outcome: 'server_error', errorKind: 'timeout' }],
      ['a connection dropped before any answer', (r) => r.socket?.destroy(), { outcome: 'server_error', errorKind: 'connection' }],
    ];
    for (const [name, answer, expected] of cases) {
      const target = await backendFor((_request, response) => answer(response));
      expect(await submit(target), name).toEqual(expected);
      await stopBoth();
    }
  });
});
