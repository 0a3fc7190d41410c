import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Raw connections for the timeout and load tests: clients that stall, and floods of connections,
 * which an HTTP client library would queue or retry behind the test's back. Each connection records
 * when its first answer arrived and when it closed.
 */

/** What one raw connection got: the first answer (if any) and when the connection ended, in ms from `t0`. */
interface RawOutcome {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** When the whole first answer had arrived. */
  answeredAt?: number;
  /** When the connection closed (either side). */
  closedAt: number;
  /** The socket error, e.g. ECONNRESET or EPIPE when the server closed the connection at once. */
  error?: string;
  /** Set when the test's own guard had to close a connection that neither answered nor closed. */
  hung?: boolean;
}

export interface RawConnection {
  /** Resolves once the connection has closed. */
  done: Promise<RawOutcome>;
  /** Sends more bytes (ignored once closed). */
  write(bytes: string): void;
  destroy(): void;
}

/**
 * Opens a connection to 127.0.0.1:`port`, sends `first` as soon as it connects, and records the first
 * answer. The test closes the connection after `guardMs` whatever happens (marked `hung`).
 */
export function openRaw(port: number, first: string, t0: number, guardMs: number): RawConnection {
  const socket = connect({ port, host: '127.0.0.1' });
  let received = Buffer.alloc(0);
  const outcome: Partial<RawOutcome> = {};
  const guard = setTimeout(() => {
    outcome.hung = true;
    socket.destroy();
  }, guardMs);
  socket.on('connect', () => {
    if (first !== '') socket.write(first);
  });
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    if (outcome.status === undefined) parseAnswer(received, outcome, performance.now() - t0);
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    outcome.error = error.code ?? error.message;
  });
  const done = new Promise<RawOutcome>((resolve) =>
    socket.on('close', () => {
      clearTimeout(guard);
      resolve({ ...outcome, closedAt: performance.now() - t0 });
    }),
  );
  return {
    done,
    write: (bytes) => {
      if (!socket.destroyed && socket.writable) socket.write(bytes);
    },
    destroy: () => socket.destroy(),
  };
}

function parseAnswer(received: Buffer, outcome: Partial<RawOutcome>, now: number): void {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return;
  const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const length = Number(headers['content-length'] ?? 0);
  if (received.length < end + 4 + length) return;
  const text = received.subarray(end + 4, end + 4 + length).toString('utf8');
  outcome.status = Number(statusLine!.split(' ')[1]);
  outcome.headers = headers;
  outcome.body = headers['content-type']?.startsWith('application/json') ? JSON.parse(text) : text;
  outcome.answeredAt = now;
}

/** A request as bytes; `bodyBytes` (default: all) says how much of the body to send. */
export function rawRequest(method: string, path: string, headers: Record<string, string>, body = '', bodyBytes = body.length): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  if (body !== '') lines.push('content-type: application/json', `content-length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body.slice(0, bodyBytes)}`;
}

/** Peak and current resident set of a process, in MiB, from /proc/<pid>/status (VmHWM, VmRSS). */
export function residentMiB(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]) / 1024;
  return { peak: field('VmHWM'), now: field('VmRSS') };
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
