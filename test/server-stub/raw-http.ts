import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * HTTP on a raw socket, for what a client library would refuse to send (a bad request line, a header
 * with a space in its name, a path with a broken percent-encoding) and for watching exactly when the
 * server answers and closes.
 */

interface RawResponse {
  status: number;
  /** Lower-case names; the value of the last occurrence. */
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  /** Every final (non-1xx) response read, in order. */
  responses: RawResponse[];
  /** Interim 1xx statuses read (e.g. 100 Continue). */
  interim: number[];
  /** What happened on the socket, in order: `response`, `end` (the server's FIN), `error CODE`, `close`, `timeout`. */
  events: string[];
  /** Bytes of the request body sent (beyond the first write) before the socket closed. */
  bodyBytesSent: number;
}

export interface RawOptions {
  /**
   * After the first write, keep sending this many more bytes of `fill` (paced: one `fill` per turn),
   * whatever the server answers, even after its FIN (the socket is half-open); then close the sending side.
   */
  keepSending?: number;
  fill?: Buffer;
  /** Resolve once this many final responses have been read, without waiting for the close (default: wait for the close). */
  responses?: number;
  /** Give up (event `timeout`) after this long. */
  timeoutMs?: number;
  /** Bytes to send later on the same connection, after `delayMs`. */
  later?: { delayMs: number; data: string | Buffer };
}

/** Listens on a free loopback port and returns it. */
export async function listenOnLoopback(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

/** Sends `request` on a new connection, then reads until the connection closes (or `options.responses` have come). */
export function rawExchange(port: number, request: string | Buffer, options: RawOptions = {}): Promise<RawExchange> {
  const { keepSending = 0, fill = Buffer.alloc(64 * 1024, 0x61), responses: wanted, timeoutMs = 10_000, later } = options;
  return new Promise((resolve) => {
    const socket: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const exchange: RawExchange = { responses: [], interim: [], events: [], bodyBytesSent: 0 };
    let received = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(exchange);
    };
    const timer = setTimeout(() => {
      exchange.events.push('timeout');
      finish();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      for (;;) {
        const parsed = parseResponse(received);
        if (parsed === undefined) break;
        received = received.subarray(parsed.length);
        if (parsed.response.status < 200) {
          exchange.interim.push(parsed.response.status);
          continue;
        }
        exchange.responses.push(parsed.response);
        exchange.events.push('response');
      }
      if (wanted !== undefined && exchange.responses.length >= wanted) finish();
    });
    // Like any client, close the sending side on the server's FIN, unless still sending a body regardless.
    socket.on('end', () => {
      exchange.events.push('end');
      if (keepSending === 0 || sent >= keepSending) socket.end();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => exchange.events.push(`error ${error.code ?? error.message}`));
    socket.on('close', () => {
      exchange.events.push('close');
      finish();
    });
    let sent = 0;
    socket.write(request);
    const pump = () => {
      if (done || socket.destroyed || !socket.writable) return;
      if (sent >= keepSending) {
        socket.end();
        return;
      }
      const chunk = fill.subarray(0, Math.min(fill.length, keepSending - sent));
      sent += chunk.length;
      exchange.bodyBytesSent = sent;
      if (socket.write(chunk)) setImmediate(pump);
      else socket.once('drain', pump);
    };
    if (keepSending > 0) setImmediate(pump);
    if (later !== undefined) {
      setTimeout(() => {
        if (!done && socket.writable) socket.write(later.data);
      }, later.delayMs);
    }
  });
}

/** One response at the start of `bytes` when it is all there (Content-Length framing, as every answer of the server has). */
function parseResponse(bytes: Buffer): { response: RawResponse; length: number } | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...lines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (match === null) throw new Error(`not an HTTP response: ${JSON.stringify(bytes.subarray(0, 200).toString('latin1'))}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(match[1]);
  const length = status < 200 || status === 204 || status === 304 ? 0 : Number(headers['content-length'] ?? NaN);
  if (Number.isNaN(length)) throw new Error(`response without Content-Length: ${statusLine} ${JSON.stringify(headers)}`);
  if (bytes.length < headEnd + 4 + length) return undefined;
  return { response: { status, headers, body: bytes.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8') }, length: headEnd + 4 + length };
}
