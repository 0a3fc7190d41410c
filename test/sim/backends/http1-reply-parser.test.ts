import { describe, expect, it } from 'vitest';
import { Http1ReplyParser, MALFORMED } from '../../../sim/backends/http1-reply-parser.ts';

/** Feeds `parts` in order; the reply the last completes (earlier ones must leave it incomplete). */
function parse(...parts: string[]) {
  const parser = new Http1ReplyParser();
  parts.slice(0, -1).forEach((part) => expect(parser.feed(Buffer.from(part))).toBeUndefined());
  const reply = parser.feed(Buffer.from(parts.at(-1)!));
  return reply === undefined || reply === MALFORMED ? reply : { ...reply, body: reply.body.toString() };
}

describe('an HTTP/1.1 reply read from a connection', () => {
  it('takes a body framed by content-length, whole once its last byte comes, and the server keep-alive hint', () => {
    expect(parse('HTTP/1.1 201 Created\r\nContent-Length: 15\r\nKeep-Alive: timeout=5\r\n\r\n{"judg', 'ement":1}')).toEqual({ status: 201, body: '{"judgement":1}', keepAlive: true, keepAliveHintMs: 5000 });
    expect(parse('HTTP/1.1 201 Created\r\nContent-Le', 'ngth: 2\r\n\r\n{}')).toEqual({ status: 201, body: '{}', keepAlive: true });
  });

  it('joins a chunked body, its chunk extensions and trailer fields skipped', () => {
    expect(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"a"\r\n', '3;ext=1\r\n:1}\r\n0\r\n\r\n')).toEqual({ status: 200, body: '{"a":1}', keepAlive: true });
    expect(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Trailer: 1\r\n', '\r\n')).toEqual({ status: 200, body: '{}', keepAlive: true });
  });

  it('skips informational answers and reads the final one', () => {
    expect(parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 409 Conflict\r\nContent-Length: 2\r\n\r\n{}')).toEqual({ status: 409, body: '{}', keepAlive: true });
  });

  it('closes the connection after an answer that says so, or an HTTP/1.0 one, and reads a body framed by the close at its end', () => {
    expect(parse('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')).toEqual({ status: 503, body: '', keepAlive: false });
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')).toEqual({ status: 200, body: '', keepAlive: false });
    expect(parse('HTTP/1.1 200 OK\r\nConnection: Upgrade,\t CLOSE \r\nContent-Length: 0\r\n\r\n')).toEqual({ status: 200, body: '', keepAlive: false });
    expect(parse('HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n')).toEqual({ status: 200, body: '', keepAlive: false });
    expect(parse('HTTP/1.1 200 OK\r\nConnection: closed, close-ish\r\nContent-Length: 0\r\n\r\n')).toEqual({ status: 200, body: '', keepAlive: true });
    expect(parse('HTTP/1.0 200 OK\r\nConnection: Upgrade , Keep-Alive\r\nContent-Length: 0\r\n\r\n')).toEqual({ status: 200, body: '', keepAlive: true });
    const parser = new Http1ReplyParser();
    expect(parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\n{"a":'))).toBeUndefined();
    expect(parser.feed(Buffer.from('1}'))).toBeUndefined();
    const reply = parser.end();
    expect(reply !== MALFORMED && { ...reply, body: reply.body.toString() }).toEqual({ status: 200, body: '{"a":1}', keepAlive: false });
  });

  it('refuses what is not one HTTP/1.x answer', () => {
    expect(parse('SSH-2.0-OpenSSH\r\n\r\n')).toBe(MALFORMED);
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n')).toBe(MALFORMED);
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}extra')).toBe(MALFORMED);
    expect(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toBe(MALFORMED);
    expect(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n')).toBe(MALFORMED);
    expect(parse('HTTP/1.1 101 Switching Protocols\r\n\r\n')).toBe(MALFORMED);
    const cut = new Http1ReplyParser();
    expect(cut.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}'))).toBeUndefined();
    expect(cut.end()).toBe(MALFORMED);
  });
});
