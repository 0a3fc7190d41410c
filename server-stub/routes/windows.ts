import type { SwaggerTransformObject } from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { errorReplies, ParticipantParams, WindowView, type ApiSchemas, type Body } from '../api-schemas.ts';

const security = [{ bearer: [] }];

/**
 * The API document with close-due's request body optional: fastify-swagger marks every body schema
 * required, but the route takes no body as well as `{}`. Passed to @fastify/swagger as `transformObject`.
 */
export const closeDueBodyOptional: SwaggerTransformObject = (documents) => {
  const document = 'openapiObject' in documents ? documents.openapiObject : documents.swaggerObject;
  const operation = (document as { paths?: Record<string, { post?: { requestBody?: { required?: boolean } } }> }).paths?.['/v1/windows/close-due']?.post;
  if (operation?.requestBody !== undefined) operation.requestBody.required = false;
  return document;
};

/** Opening windows, one or in bulk, and closing the due ones (officer). Open prompts are in checkins.ts. */
export function windowRoutes(schemas: ApiSchemas) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const { service, options } = app.checkin;

    app.post<{ Params: { id: string }; Body: Body<'OpenWindow'> }>(
      '/participants/:id/windows',
      {
        config: { access: 'officer', faultRoute: 'openWindow' },
        schema: {
          tags: ['officer'],
          summary: 'Open a check-in window (scheduled check-in or ad-hoc prompt); idempotent on windowId',
          security,
          params: ParticipantParams,
          body: schemas.OpenWindow,
          response: { 200: WindowView, 201: WindowView, ...errorReplies },
        },
      },
      async (request, reply) => {
        const { created, window } = service.openWindow(request.params.id, request.body);
        return reply.code(created ? 201 : 200).send(window);
      },
    );

    app.post<{ Body: Body<'BulkWindows'> }>(
      '/windows/bulk',
      {
        bodyLimit: options.bulk.bodyLimitBytes,
        config: { access: 'officer', faultRoute: 'openWindowsBulk' },
        schema: {
          tags: ['officer'],
          summary: `Open up to ${options.bulk.maxWindows} windows of any participants at once, all or none; idempotent per window`,
          security,
          body: schemas.BulkWindows,
          response: { 200: schemas.BulkWindowsReply, 201: schemas.BulkWindowsReply, ...errorReplies },
        },
      },
      async (request, reply) => {
        const outcomes = service.openWindows(request.body.windows, (index) => `body.windows[${index}]`, (index) => `body.windows[${index}].participantId`);
        const opened = outcomes.filter((outcome) => outcome.created).length;
        return reply.code(opened > 0 ? 201 : 200).send({ opened, existing: outcomes.length - opened });
      },
    );

    app.post<{ Body: Body<'CloseDue'> }>(
      '/windows/close-due',
      {
        config: { access: 'officer', faultRoute: 'closeDue' },
        schema: {
          tags: ['officer'],
          summary: 'Close every window past its close time: record verdicts and escalations with reasons (no body, or {})',
          security,
          body: schemas.CloseDue,
          response: { 200: schemas.CloseDueReply, ...errorReplies },
        },
        // fastify validates a missing body as null: no body at all is {} here, so that `null` stays refused.
        preValidation: (request, _reply, done) => {
          if (request.body === undefined) request.body = {};
          done();
        },
      },
      async () => service.closeDue(),
    );
  };
}
