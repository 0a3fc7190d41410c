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
