/** One HTTP/1.1 response as a connection reads it: its status, body bytes and whether the connection may carry another request. */
export interface Http1Reply {
  status: number;
  body: Buffer;
  keepAlive: boolean;
  /** The server's `keep-alive: timeout=N` hint in ms, when it gave one. */
  keepAliveHintMs: number | undefined;
}

/** What `feed` and `end` return when the bytes are not an HTTP/1.x response (the connection must close). */
export const MALFORMED = 'malformed';

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const MAX_HEAD_BYTES = 64 * 1024;
const HEX_SIZE = /^[0-9a-fA-F]+$/;

interface Head {
  status: number;
  bodyStart: number;
  framing: 'length' | 'chunked' | 'close';
  length: number;
  keepAlive: boolean;
  keepAliveHintMs: number | undefined;
}

/**
 * Reads one response at a time from a connection's bytes (RFC 9112): the body framed by
 * content-length, by chunked transfer coding, or by the connection's close; informational (1xx)
 * answers skipped. Bytes are kept until the response is whole (answers are small), then parsed at once.
 */
export class Http1ReplyParser {
  private pending: Buffer | undefined;

  /**
   * The response these bytes complete, undefined while it is incomplete, MALFORMED when they cannot be
   * one. `chunk` may be a read buffer that is reused: the bytes kept are copied, and a reply's body is
   * valid only until the next read.
   */
  feed(chunk: Buffer): Http1Reply | undefined | typeof MALFORMED {
    const bytes = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    const result = parseReply(bytes, false);
    this.pending = result !== undefined ? undefined : bytes === chunk ? Buffer.from(chunk) : bytes;
    return result;
  }

  /** The connection ended: the response it completes (a body framed by the close), or MALFORMED. */
  end(): Http1Reply | typeof MALFORMED {
    const bytes = this.pending ?? Buffer.alloc(0);
    this.pending = undefined;
    return parseReply(bytes, true) ?? MALFORMED;
  }
}

function parseReply(bytes: Buffer, ended: boolean): Http1Reply | undefined | typeof MALFORMED {
  let offset = 0;
  for (;;) {
    const head = parseHead(bytes, offset);
    if (head === undefined || head === MALFORMED) return head;
    if (head.status >= 100 && head.status < 200) {
      if (head.status === 101) return MALFORMED;
      offset = head.bodyStart;
      continue;
    }
    const body = head.framing === 'length' ? lengthBody(bytes, head) : head.framing === 'chunked' ? chunkedBody(bytes, head.bodyStart) : ended ? bytes.subarray(head.bodyStart) : undefined;
    if (body === undefined || body === MALFORMED) return body;
    return { status: head.status, body, keepAlive: head.keepAlive, keepAliveHintMs: head.keepAliveHintMs };
  }
}

/**
 * The head's fields by hand on one latin1 string of it: split, regular expressions and lowercased
 * copies per line made the head cost more than the JSON body after it.
 */
function parseHead(bytes: Buffer, offset: number): Head | undefined | typeof MALFORMED {
  const end = bytes.indexOf(HEAD_END, offset);
  if (end < 0) return bytes.length - offset > MAX_HEAD_BYTES ? MALFORMED : undefined;
  // Up to the first CRLF of the blank line, so that every line, the last included, ends in CRLF.
  const text = bytes.toString('latin1', offset, end + CRLF.length);
  const statusEnd = text.indexOf('\r\n');
  if (!isStatusLine(text, statusEnd)) return MALFORMED;
  const head: Head = { status: Number(text.slice(9, 12)), bodyStart: end + HEAD_END.length, framing: 'close', length: 0, keepAlive: text.charCodeAt(7) === 0x31, keepAliveHintMs: undefined };
  for (let start = statusEnd + CRLF.length; start < text.length; ) {
    const lineEnd = text.indexOf('\r\n', start);
    const colon = text.indexOf(':', start);
    if (colon <= start || colon > lineEnd) return MALFORMED;
    if (isName(text, start, colon, 'content-length')) {
      const value = text.slice(colon + 1, lineEnd).trim();
      if (!/^\d+$/.test(value) || (head.framing === 'length' && Number(value) !== head.length)) return MALFORMED;
      if (head.framing !== 'chunked') head.framing = 'length';
      head.length = Number(value);
    } else if (isName(text, start, colon, 'transfer-encoding')) {
      if (!text.slice(colon + 1, lineEnd).trim().toLowerCase().endsWith('chunked')) return MALFORMED;
      head.framing = 'chunked';
    } else if (isName(text, start, colon, 'connection')) {
      if (hasToken(text, colon + 1, lineEnd, 'close')) head.keepAlive = false;
      else if (hasToken(text, colon + 1, lineEnd, 'keep-alive')) head.keepAlive = true;
    } else if (isName(text, start, colon, 'keep-alive')) {
      const timeout = /(?:^|[,\s])timeout=(\d+)/i.exec(text.slice(colon + 1, lineEnd));
      if (timeout) head.keepAliveHintMs = Number(timeout[1]) * 1000;
    }
    start = lineEnd + CRLF.length;
  }
  if (head.status === 204 || head.status === 304) Object.assign(head, { framing: 'length', length: 0 });
  if (head.framing === 'close') head.keepAlive = false;
  return head;
}

/** `HTTP/1.0` or `HTTP/1.1`, a space, three digits, then the end or a space and a reason. */
function isStatusLine(text: string, lineEnd: number): boolean {
  if (!text.startsWith('HTTP/1.') || (text[7] !== '0' && text[7] !== '1') || text[8] !== ' ') return false;
  for (let index = 9; index < 12; index++) if (!(text.charCodeAt(index) >= 0x30 && text.charCodeAt(index) <= 0x39)) return false;
  return lineEnd === 12 || (lineEnd > 12 && text[12] === ' ');
}

/** Whether text[start, colon) is `name` (lowercase letters and dashes), ignoring the case of letters. */
function isName(text: string, start: number, colon: number, name: string): boolean {
  if (colon - start !== name.length) return false;
  for (let index = 0; index < name.length; index++) {
    const code = text.charCodeAt(start + index);
    const expected = name.charCodeAt(index);
    if (code !== expected && !(code >= 0x41 && code <= 0x5a && (code | 0x20) === expected)) return false;
  }
  return true;
}

/**
 * Whether the comma-separated list text[from, to) holds `token` (lowercase letters and dashes),
 * ignoring case and the whitespace around each element, as trim() takes it: without the copies of
 * slice, toLowerCase and split, which made the head about an eighth slower to read.
 */
function hasToken(text: string, from: number, to: number, token: string): boolean {
  for (let start = from; start <= to; ) {
    const comma = text.indexOf(',', start);
    const end = comma < 0 || comma > to ? to : comma;
    let first = start;
    let last = end;
    while (first < last && isTrimmed(text.charCodeAt(first))) first++;
    while (last > first && isTrimmed(text.charCodeAt(last - 1))) last--;
    if (isName(text, first, last, token)) return true;
    start = end + 1;
  }
  return false;
}

/** The characters of a latin1 text that trim() removes: tab, line feed, vertical tab, form feed, carriage return, space, no-break space. */
function isTrimmed(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || code === 0x20 || code === 0xa0;
}

function lengthBody(bytes: Buffer, head: Head): Buffer | undefined | typeof MALFORMED {
  const end = head.bodyStart + head.length;
  if (bytes.length < end) return undefined;
  // Bytes past the response, with no request pipelined behind it, are not an answer to anything.
  return bytes.length > end ? MALFORMED : bytes.subarray(head.bodyStart, end);
}

function chunkedBody(bytes: Buffer, start: number): Buffer | undefined | typeof MALFORMED {
  const chunks: Buffer[] = [];
  let offset = start;
  for (;;) {
    const lineEnd = bytes.indexOf(CRLF, offset);
    if (lineEnd < 0) return undefined;
    const sizeText = bytes.toString('latin1', offset, lineEnd).split(';')[0]!.trim();
    if (!HEX_SIZE.test(sizeText)) return MALFORMED;
    const size = Number.parseInt(sizeText, 16);
    offset = lineEnd + CRLF.length;
    if (size === 0) {
      // Trailer fields, if any, then the empty line that ends the message.
      const noTrailers = bytes.indexOf(CRLF, offset) === offset;
      const trailersEnd = noTrailers ? offset : bytes.indexOf(HEAD_END, offset);
      if (trailersEnd < 0) return undefined;
      const end = trailersEnd + (noTrailers ? CRLF.length : HEAD_END.length);
      if (bytes.length > end) return MALFORMED;
      return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    }
    if (bytes.length < offset + size + CRLF.length) return undefined;
    if (bytes[offset + size] !== 0x0d || bytes[offset + size + 1] !== 0x0a) return MALFORMED;
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size + CRLF.length;
  }
}
