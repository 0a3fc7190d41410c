import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Lingering close (as Apache's `lingering_close`): when the server answers before it has read the
 * whole request body and closes the connection after the answer (a 413, or a refusal made on the
 * headers alone), closing at once would reset the connection while the client is still sending, and
 * a client that is writing often sees that reset before it reads the answer. So the connection is
 * half-closed after the answer (FIN) and what the client still sends is read and thrown away, until the
 * client stops (its body ends, or it closes its side) or a bound is reached; then it is closed.
 *
 * Node's http server ends a `Connection: close` response by calling `socket.destroySoon()` (end, then
 * destroy once the answer is written); on these connections that call lingers instead.
 */

export interface LingerLimits {
  /** Longest time to keep reading after the answer. */
  maxMs: number;
  /** Most bytes to read and throw away after the answer. */
  maxBytes: number;
}

const LINGER_LIMITS: LingerLimits = { maxMs: 2000, maxBytes: 16 * 1024 * 1024 };
/** How often the bytes read during a linger are counted. */
const CHECK_MS = 25;

const lingering = new WeakSet<Socket>();

/**
 * Called before every error answer (error-handler.ts), after everything that may decide to close the connection:
 * an answer that closes it while the request body is still arriving closes it by lingering.
 */
export function lingerWhenBodyUnread(request: FastifyRequest, reply: FastifyReply): void {
  if (!request.raw.complete && /(^|,)\s*close\s*($|,)/i.test(String(reply.getHeader('connection') ?? ''))) lingerOnClose(request.raw);
}

/** Makes the close that follows the answer to `request` a lingering close. Only real sockets (not inject()'s). */
export function lingerOnClose(request: IncomingMessage, limits: LingerLimits = LINGER_LIMITS): void {
  const socket = request.socket;
  if (!(socket instanceof Socket) || lingering.has(socket)) return;
  lingering.add(socket);
  (socket as Socket & { destroySoon(): void }).destroySoon = () => {
    socket.end();
    const startBytes = socket.bytesRead;
    const started = performance.now();
    // Destroying before the answer and the FIN have left would drop them: wait for 'finish'.
    const close = () => {
      clearInterval(check);
      if (socket.writableFinished) socket.destroy();
      else socket.once('finish', () => socket.destroy());
    };
    // Body bytes after the answer may be dropped by Node's parser without a 'data' event: count them on the socket.
    const check = setInterval(() => {
      if (socket.bytesRead - startBytes > limits.maxBytes || performance.now() - started > limits.maxMs) close();
    }, CHECK_MS);
    check.unref();
    socket.once('close', () => clearInterval(check));
    socket.once('end', close);
    if (request.complete) return close();
    request.once('end', close);
    request.resume();
  };
}
