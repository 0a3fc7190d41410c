import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../errors.ts';
import { errorReplies } from '../api-schemas.ts';
import type { LoadState } from '../overload.ts';

/**
 * Liveness, readiness, metrics and the API document: no token, no load shedding, no faults.
 * Readiness says 503 SRV_ERR_OVERLOADED while the API sheds load (`load`), so a balancer sends
 * traffic elsewhere; liveness keeps answering 200.
 */
export async function healthRoutes(app: FastifyInstance, { load }: { load: LoadState }): Promise<void> {
  const { store, metrics, faults, clock, options } = app.checkin;

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: answers while the process runs, even when overloaded',
        response: { 200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the store answers, no injected outage is in force, and the server is not shedding load',
        response: {
          200: Type.Object(
            { status: Type.Literal('ready'), store: Type.String({ description: 'memory or sqlite' }), now: Type.Integer({ description: 'server virtual time, ms' }) },
            { additionalProperties: false },
          ),
          ...errorReplies,
        },
      },
    },
    async () => {
      store.changeCount();
      const retryAfter = faults.outageRetryAfter();
      if (retryAfter !== undefined) throw new ServerError('SRV_ERR_OUTAGE', 'an injected outage is in force; retry later', undefined, retryAfter);
      const shedding = load.sheddingReason();
      if (shedding !== undefined) {
        throw new ServerError('SRV_ERR_OVERLOADED', `not ready: the server is shedding load (${shedding}); retry after the Retry-After delay`, undefined, options.overload.retryAfterSeconds);
      }
      return { status: 'ready' as const, store: store.kind, now: clock.now() };
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'Prometheus text format 0.0.4' }) },
      },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
