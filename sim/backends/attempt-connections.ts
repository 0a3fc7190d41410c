import { connect as tcpConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Http1ReplyParser, MALFORMED, type Http1Reply } from './http1-reply-parser.ts';
import type { AttemptReply } from './http.ts';
import { parseReplyBody } from './reply-body.ts';

/** A connection idle this long is not reused unless the server hinted a longer keep-alive (as undici's default). */
const DEFAULT_KEEP_ALIVE_MS = 60_000;
/** Reuse stops this long before the server's hinted keep-alive ends, so that a request never races the server's close (undici's threshold). */
const KEEP_ALIVE_MARGIN_MS = 1_000;
/** Timeouts are checked this many times per timeout period. */
const TIMEOUT_CHECKS = 4;
/** The buffer plain-TCP connections read into, shared (reads run one at a time on the event loop); an answer is read whole long before it fills it. */
const READ_BUFFER_BYTES = 64 * 1024;
/** Characters whose UTF-8 bytes are not their latin1 ones; a URL's host has none (punycode, percent-encoding). */
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * A request and what settles its promise: a class rather than an object holding a closure, which
 * tsx (keepNames) names with Object.defineProperty on every request: 3-4 % of the driver's perf
 * samples in the driver bench.
 */
class Post {
  constructor(
    /** The request's bytes, head and body, written at once: one write, one packet. */
    readonly request: string,
    readonly encoding: 'latin1' | 'utf8',
    readonly readBody: ReadBody,
    private readonly answer: (reply: AttemptReply) => unknown,
    private readonly resolve: (answer: unknown) => void,
  ) {}

  settle(reply: AttemptReply): void {
    this.resolve(this.answer(reply));
  }
}

/** What an answer's body bytes hold, given its status. */
type ReadBody = (status: number, bytes: Buffer) => unknown;

const utf8Json: ReadBody = (_status, bytes) => parseReplyBody(bytes.toString('utf8'));

interface Connection {
  socket: Socket;
  parser: Http1ReplyParser;
  post: Post | undefined;
  /** Last instant (performance.now()) the request was sent or a byte of its answer came. */
  progressAt: number;
  reusableUntil: number;
}

/**
 * The check-in POSTs of drive mode over at most `connections` keep-alive HTTP/1.1 connections, one
 * request at a time on each, the requests beyond them queued in order. Written on sockets directly
 * rather than through undici's pool, whose per-request machinery (request objects, a wasm parser with
 * callbacks for every header, a timer per request) made the driver's CPU per check-in about a fifth
 * higher (test/bench/driver-throughput.ts). A request fails with `timeout` when no byte of its answer
 * comes for `timeoutMs`, and with `connection` when its connection breaks or answers something other
 * than HTTP/1.x; failures are answers, never throws.
 */
export class AttemptConnections {
  private readonly idle: Connection[] = [];
  private readonly queue: Post[] = [];
  private queueStart = 0;
  private open = 0;
  private readonly timeoutCheck: NodeJS.Timeout;
  private readonly busy = new Set<Connection>();
  private closed: (() => void) | undefined;
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

  constructor(
    private readonly origin: URL,
    private readonly connections: number,
    private readonly timeoutMs: number,
    /** For an https origin: what to trust beyond the system's certificate authorities (tests give their own). */
    private readonly trust: Pick<ConnectionOptions, 'ca'> = {},
  ) {
    this.timeoutCheck = setInterval(() => this.failTimedOut(), Math.max(1, timeoutMs / TIMEOUT_CHECKS)).unref();
  }

  /**
   * Sends a POST; the promise settles with what `answer` makes of its reply (settling with the answer
   * itself saves a promise per request), its body read by `readBody` (JSON of UTF-8 unless told).
   * `bodyIsAscii` promises that the body holds only ASCII characters (a body printed by attemptRequest does).
   */
  post<T>(path: string, body: string, token: string, answer: (reply: AttemptReply) => T, readBody: ReadBody = utf8Json, bodyIsAscii = false): Promise<T> {
    // An ASCII request is its own latin1 bytes: its length needs no UTF-8 count of the body, nor its write a UTF-8 encoding.
    const ascii = bodyIsAscii && !NON_ASCII.test(path) && !NON_ASCII.test(token);
    const request = `POST ${path} HTTP/1.1\r\nhost: ${this.origin.host}\r\ncontent-type: application/json\r\nauthorization: Bearer ${token}\r\ncontent-length: ${ascii ? body.length : Buffer.byteLength(body)}\r\n\r\n${body}`;
    return new Promise((resolve) => {
      const post = new Post(request, ascii ? 'latin1' : 'utf8', readBody, answer, resolve as (answer: unknown) => void);
      const connection = this.reusable() ?? (this.open < this.connections ? this.connect() : undefined);
      if (connection) this.send(connection, post);
      else this.queue.push(post);
    });
  }

  /** Resolves once the requests sent and queued are answered and every connection is closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.closed = resolve;
      for (const connection of this.idle.splice(0)) connection.socket.destroy();
      this.resolveClosed();
    });
  }

  private reusable(): Connection | undefined {
    const now = performance.now();
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (connection.reusableUntil > now) return connection;
      connection.socket.destroy();
    }
    return undefined;
  }

  private connect(): Connection {
    const port = Number(this.origin.port) || (this.origin.protocol === 'https:' ? 443 : 80);
    const host = this.origin.hostname.replace(/^\[(.*)\]$/, '$1');
    // Plain TCP reads into one buffer, bypassing the stream's Buffer and 'data' event per read; the parser copies what it keeps.
    const read = (chunk: Buffer) => this.read(connection, chunk);
    const socket =
      this.origin.protocol === 'https:'
        ? tlsConnect({ host, port, servername: host, ...this.trust }).on('data', read)
        : tcpConnect({ host, port, onread: { buffer: this.readBuffer, callback: (bytes: number) => (read(this.readBuffer.subarray(0, bytes)), true) } });
    socket.setNoDelay(true);
    const connection: Connection = { socket, parser: new Http1ReplyParser(), post: undefined, progressAt: 0, reusableUntil: 0 };
    this.open++;
    socket.on('end', () => this.finish(connection, connection.parser.end()));
    socket.on('error', () => {});
    socket.on('close', () => this.closeConnection(connection));
    return connection;
  }

  private send(connection: Connection, post: Post): void {
    connection.post = post;
    connection.progressAt = performance.now();
    this.busy.add(connection);
    connection.socket.write(post.request, post.encoding);
  }

  private read(connection: Connection, chunk: Buffer): void {
    if (!connection.post) {
      // Bytes while no request waits (e.g. a server's 408 before closing an idle connection) answer nothing.
      connection.socket.destroy();
      return;
    }
    connection.progressAt = performance.now();
    const reply = connection.parser.feed(chunk);
    if (reply !== undefined) this.finish(connection, reply);
  }

  private finish(connection: Connection, reply: Http1Reply | typeof MALFORMED): void {
    const { post } = connection;
    if (!post) return;
    connection.post = undefined;
    this.busy.delete(connection);
    if (reply === MALFORMED) {
      post.settle({ failure: { outcome: 'server_error', errorKind: 'connection' } });
      connection.socket.destroy();
      return;
    }
    post.settle({ status: reply.status, body: post.readBody(reply.status, reply.body) });
    if (!reply.keepAlive || this.closed) {
      connection.socket.destroy();
      return;
    }
    connection.reusableUntil = performance.now() + (reply.keepAliveHintMs === undefined ? DEFAULT_KEEP_ALIVE_MS : reply.keepAliveHintMs - KEEP_ALIVE_MARGIN_MS);
    const next = this.nextQueued();
    if (next) this.send(connection, next);
    else this.idle.push(connection);
  }

  private closeConnection(connection: Connection): void {
    this.open--;
    this.busy.delete(connection);
    const index = this.idle.indexOf(connection);
    if (index >= 0) this.idle.splice(index, 1);
    connection.post?.settle({ failure: { outcome: 'server_error', errorKind: 'connection' } });
    connection.post = undefined;
    const next = this.queueStart < this.queue.length ? this.nextQueued() : undefined;
    if (next) this.send(this.connect(), next);
    this.resolveClosed();
  }

  private failTimedOut(): void {
    const now = performance.now();
    for (const connection of this.busy) {
      if (now - connection.progressAt <= this.timeoutMs) continue;
      connection.post?.settle({ failure: { outcome: 'server_error', errorKind: 'timeout' } });
      connection.post = undefined;
      connection.socket.destroy();
    }
  }

  private nextQueued(): Post | undefined {
    if (this.queueStart === this.queue.length) return undefined;
    const next = this.queue[this.queueStart++];
    if (this.queueStart === this.queue.length) {
      this.queue.length = 0;
      this.queueStart = 0;
    }
    return next;
  }

  private resolveClosed(): void {
    if (this.closed && this.open === 0 && this.queueStart === this.queue.length) {
      // Only now: a request still unanswered at close() ends by its timeout.
      clearInterval(this.timeoutCheck);
      this.closed();
    }
  }
}
