import type { FastifyInstance } from 'fastify';
import { errorReplies, ParticipantParams, WindowView, type ApiSchemas, type Body } from '../api-schemas.ts';

const security = [{ bearer: [] }];

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

    app.post(
      '/windows/close-due',
      {
        config: { access: 'officer', faultRoute: 'closeDue' },
        schema: {
          tags: ['officer'],
          summary: 'Close every window past its close time: record verdicts and escalations with reasons',
          security,
          response: { 200: schemas.CloseDueReply, ...errorReplies },
        },
      },
      async () => service.closeDue(),
    );
  };
}
