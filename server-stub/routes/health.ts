import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../errors.ts';
import { errorReplies } from '../api-schemas.ts';

/** Liveness, readiness, metrics and the API document: no token, no load shedding, no faults. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const { store, metrics, faults, clock } = app.checkin;

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
        summary: 'Readiness: the store answers and no injected outage is in force',
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
