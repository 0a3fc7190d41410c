import type { FastifyInstance } from 'fastify';
import { ServerError } from './errors.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ServerOptions } from './options.ts';

type Settings = ServerOptions['rateLimit'];
type Refusal = (id: string) => ServerError | undefined;

/**
 * The per-participant limits of the routes of the scope they are registered in, keyed by the
 * participant in the path, in one onRequest hook (each hook costs fastify a step of its own per
 * request): first the rate limit, then the concurrency cap, so that a request refused for its rate
 * takes no slot. They run after authentication, so nobody can spend another's allowance.
 */
export function registerParticipantLimits(scope: FastifyInstance, settings: Settings, metrics: ServerMetrics): void {
  const rateRefusal = rateLimit(settings, metrics);
  const concurrency = concurrencyLimit(settings, metrics);
  if (rateRefusal === undefined && concurrency === undefined) return;
  scope.addHook('onRequest', (request, reply, done) => {
    const id = (request.params as { id: string }).id;
    const refusal = rateRefusal?.(id) ?? concurrency?.refusal(id);
    if (refusal !== undefined) return done(refusal);
    // A response emits 'close' once, sent or cut short by the client: `on` spares the wrapper `once` would make per request.
    if (concurrency !== undefined) reply.raw.on('close', () => concurrency.release(id));
    done();
  });
}

/**
 * At most `max` requests in a fixed window of `timeWindowMs` that starts at the participant's first
 * request. The least recently seen participants are forgotten past `trackedParticipants`.
 *
 * Synchronous rather than @fastify/rate-limit: that plugin's key, allow-list and store steps each
 * await a promise, which cost about 6 µs per check-in here (a twentieth of the route's cost).
 */
function rateLimit(settings: Settings, metrics: ServerMetrics): Refusal | undefined {
  const { max, timeWindowMs, trackedParticipants } = settings;
  if (max === 0) return undefined;
  // Map order is insertion order: re-inserting on each request keeps the least recently seen first.
  const windows = new Map<string, { count: number; resetsAt: number }>();
  return (id) => {
    const now = performance.now();
    let window = windows.get(id);
    windows.delete(id);
    if (window === undefined || window.resetsAt <= now) window = { count: 0, resetsAt: now + timeWindowMs };
    windows.set(id, window);
    if (windows.size > trackedParticipants) windows.delete(windows.keys().next().value!);
    if (++window.count <= max) return undefined;
    metrics.shed.inc({ reason: 'rate_limited' });
    const retryAfterSeconds = Math.max(1, Math.ceil((window.resetsAt - now) / 1000));
    return new ServerError(
      'SRV_ERR_RATE_LIMITED',
      `more than ${max} requests in ${timeWindowMs} ms for this participant; expected fewer, retry after ${retryAfterSeconds} s`,
      'params.id',
      retryAfterSeconds,
    );
  };
}

/**
 * A cap on one participant's requests in progress at once. A request counts from its headers, before
 * its body, until its connection lets go of the answer (`release`): a participant that opens
 * connections and stalls their bodies holds at most `maxConcurrent` of them in progress (each cut off
 * at the request timeout); the rest get 429 at once and their connection is closed.
 */
function concurrencyLimit(settings: Settings, metrics: ServerMetrics): { refusal: Refusal; release(id: string): void } | undefined {
  const max = settings.maxConcurrent;
  if (max === 0) return undefined;
  const inProgress = new Map<string, number>();
  return {
    refusal(id) {
      const held = inProgress.get(id) ?? 0;
      if (held < max) {
        inProgress.set(id, held + 1);
        return undefined;
      }
      metrics.shed.inc({ reason: 'concurrency_limited' });
      return new ServerError(
        'SRV_ERR_CONCURRENCY_LIMITED',
        `${held} requests of this participant are in progress; expected at most ${max} at once, retry after the Retry-After delay`,
        'params.id',
        1,
      );
    },
    release(id) {
      const left = inProgress.get(id)! - 1;
      if (left === 0) inProgress.delete(id);
      else inProgress.set(id, left);
    },
  };
}
