import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { ServerError } from './errors.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ServerOptions } from './options.ts';

/**
 * A per-participant request limit for the routes of the scope it is registered in, keyed by the
 * participant in the path. It runs after authentication, so nobody can spend another's allowance.
 */
export async function registerParticipantRateLimit(scope: FastifyInstance, settings: ServerOptions['rateLimit'], metrics: ServerMetrics): Promise<void> {
  if (settings.max === 0) return;
  await scope.register(rateLimit, {
    global: true,
    max: settings.max,
    timeWindow: settings.timeWindowMs,
    cache: settings.trackedParticipants,
    keyGenerator: (request) => (request.params as { id: string }).id,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => {
      metrics.shed.inc({ reason: 'rate_limited' });
      return new ServerError(
        'SRV_ERR_RATE_LIMITED',
        `more than ${context.max} requests in ${settings.timeWindowMs} ms for this participant; expected fewer, retry after ${context.after}`,
        'params.id',
        Math.max(1, Math.ceil(context.ttl / 1000)),
      );
    },
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
    reply.raw.once('close', () => {
      const left = inProgress.get(id)! - 1;
      if (left === 0) inProgress.delete(id);
      else inProgress.set(id, left);
    });
    done();
  });
}
