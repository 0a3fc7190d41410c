import type { FastifyInstance } from 'fastify';
import { ServerError } from './errors.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ServerOptions } from './options.ts';

/**
 * A per-participant request limit for the routes of the scope it is registered in, keyed by the
 * participant in the path: at most `max` requests in a fixed window of `timeWindowMs` that starts at
 * the participant's first request. It runs after authentication, so nobody can spend another's
 * allowance. The least recently seen participants are forgotten past `trackedParticipants`.
 *
 * A synchronous hook rather than @fastify/rate-limit: that plugin's key, allow-list and store steps
 * each await a promise, which cost about 6 µs per check-in here (a twentieth of the route's cost).
 */
export function registerParticipantRateLimit(scope: FastifyInstance, settings: ServerOptions['rateLimit'], metrics: ServerMetrics): void {
  const { max, timeWindowMs, trackedParticipants } = settings;
  if (max === 0) return;
  // Map order is insertion order: re-inserting on each request keeps the least recently seen first.
  const windows = new Map<string, { count: number; resetsAt: number }>();
  scope.addHook('onRequest', (request, _reply, done) => {
    const id = (request.params as { id: string }).id;
    const now = performance.now();
    let window = windows.get(id);
    windows.delete(id);
    if (window === undefined || window.resetsAt <= now) window = { count: 0, resetsAt: now + timeWindowMs };
    windows.set(id, window);
    if (windows.size > trackedParticipants) windows.delete(windows.keys().next().value!);
    if (++window.count <= max) return done();
    metrics.shed.inc({ reason: 'rate_limited' });
    const retryAfterSeconds = Math.max(1, Math.ceil((window.resetsAt - now) / 1000));
    done(
      new ServerError(
        'SRV_ERR_RATE_LIMITED',
        `more than ${max} requests in ${timeWindowMs} ms for this participant; expected fewer, retry after ${retryAfterSeconds} s`,
        'params.id',
        retryAfterSeconds,
      ),
    );
  });
}

/**
 * A cap on one participant's requests in progress at once, for the routes of the scope it is
 * registered in (after authentication, keyed by the participant in the path). A request counts from
 * its headers, before its body, until its connection lets go of the answer: a participant that opens
 * connections and stalls their bodies holds at most `maxConcurrent` of them in progress (each cut off
 * at the request timeout); the rest get 429 at once and their connection is closed.
 */
export function registerParticipantConcurrencyLimit(scope: FastifyInstance, settings: ServerOptions['rateLimit'], metrics: ServerMetrics): void {
  const max = settings.maxConcurrent;
  if (max === 0) return;
  const inProgress = new Map<string, number>();
  scope.addHook('onRequest', (request, reply, done) => {
    const id = (request.params as { id: string }).id;
    const held = inProgress.get(id) ?? 0;
    if (held >= max) {
      metrics.shed.inc({ reason: 'concurrency_limited' });
      return done(
        new ServerError(
          'SRV_ERR_CONCURRENCY_LIMITED',
          `${held} requests of this participant are in progress; expected at most ${max} at once, retry after the Retry-After delay`,
          'params.id',
          1,
        ),
      );
    }
    inProgress.set(id, held + 1);
    // A response emits 'close' once: `on` spares the wrapper `once` would make per request.
    reply.raw.on('close', () => {
      const left = inProgress.get(id)! - 1;
      if (left === 0) inProgress.delete(id);
      else inProgress.set(id, left);
    });
    done();
  });
}
