import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AttemptConnections } from '../../../sim/backends/attempt-connections.ts';

let server: Server | undefined;
const tlsFile = (name: string) => readFileSync(new URL(`./tls/${name}`, import.meta.url));
let connections: AttemptConnections | undefined;

afterEach(async () => {
  await connections?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = connections = undefined;
});

/** A server that answers each request with its number after `delayMs`, counting the connections it accepted. */
async function serve(delayMs: number, keepAliveTimeoutMs: number): Promise<{ url: URL; accepted: () => number }> {
  let answered = 0;
  let accepted = 0;
  server = createServer({ keepAliveTimeout: keepAliveTimeoutMs }, (request, response) => {
    request.resume().on('end', () => setTimeout(() => response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ n: ++answered })), delayMs));
  });
  server.on('connection', () => accepted++);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), accepted: () => accepted };
}

const post = (target: AttemptConnections) => target.post('/v1/x', '{}', 't', (reply) => reply);

describe('the check-in connections', () => {
  it('queue requests beyond their number, in order, and answer all of them over that many connections', async () => {
    const { url, accepted } = await serve(20, 5_000);
    connections = new AttemptConnections(url, 2, 1_000);
    const replies = await Promise.all(Array.from({ length: 6 }, () => post(connections!)));
    expect(replies.map((reply) => 'status' in reply && reply.status)).toEqual(Array(6).fill(201));
    expect(replies.map((reply) => 'status' in reply && (reply.body as { n: number }).n).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(accepted()).toBe(2);
  });

  it("reuse an idle connection within the server's keep-alive hint, less a second, and open a new one after it", async () => {
    const { url, accepted } = await serve(0, 2_000);
    connections = new AttemptConnections(url, 4, 1_000);
    await post(connections);
    await post(connections);
    expect(accepted()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await post(connections)).toMatchObject({ status: 201 });
    expect(accepted()).toBe(2);
  });

  it('close once every request sent is answered, one that never is by its timeout', async () => {
    server = createServer(() => {});
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const target = new AttemptConnections(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), 2, 200);
    const unanswered = post(target);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await target.close();
    expect(await unanswered).toEqual({ failure: { outcome: 'server_error', errorKind: 'timeout' } });
  });

  it("send a request's path, token and body as their UTF-8 bytes, an ASCII body's too when the path or token is not ASCII", async () => {
    const raw: Buffer[] = [];
    const sink = createNetServer((socket) => socket.on('data', (chunk: Buffer) => (raw.push(chunk), socket.write('HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}'))));
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const origin = new URL(`http://127.0.0.1:${(sink.address() as AddressInfo).port}`);
    const target = new AttemptConnections(origin, 1, 1_000);
    const sent = [
      { path: '/v1/p1', token: 't1', body: '{"a":"b"}', bodyIsAscii: true },
      { path: '/v1/p2', token: 't2', body: '{"a":"é≥"}', bodyIsAscii: false },
      { path: '/v1/pé', token: 't3', body: '{"a":"b"}', bodyIsAscii: true },
      { path: '/v1/p4', token: 'tö', body: '{"a":"b"}', bodyIsAscii: true },
    ];
    for (const { path, token, body, bodyIsAscii } of sent) expect(await target.post(path, body, token, (reply) => reply, undefined, bodyIsAscii)).toMatchObject({ status: 201 });
    await target.close();
    sink.close();
    const expected = sent.map(({ path, token, body }) => `POST ${path} HTTP/1.1\r\nhost: ${origin.host}\r\ncontent-type: application/json\r\nauthorization: Bearer ${token}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    expect(Buffer.concat(raw).equals(Buffer.from(expected.join(''), 'utf8'))).toBe(true);
  });

  it('speak https to an https origin, trusting only certificates they can verify', async () => {
    const cert = tlsFile('localhost-cert.pem');
    server = createTlsServer({ cert, key: tlsFile('localhost-key.pem') }, (request, response) => {
      request.resume().on('end', () => response.writeHead(201, { 'content-type': 'application/json' }).end('{"n":1}'));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const untrusting = new AttemptConnections(url, 1, 1_000);
    expect(await post(untrusting)).toEqual({ failure: { outcome: 'server_error', errorKind: 'connection' } });
    await untrusting.close();
    connections = new AttemptConnections(url, 1, 1_000, { ca: cert });
    expect(await post(connections)).toEqual({ status: 201, body: { n: 1 } });
  });
});
