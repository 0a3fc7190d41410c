import type { FastifyInstance } from 'fastify';
import { errorReplies, ParticipantParams, type ApiSchemas, type Body } from '../api-schemas.ts';

const DEFAULT_HISTORY_LIMIT = 100;
const security = [{ bearer: [] }];

/** Enrolment (one or in bulk, with the personal record) and the officer's view of a participant. */
export function participantRoutes(schemas: ApiSchemas) {
  // Long on purpose: one route declaration after another, each a schema and a call into the service.
  return async function routes(app: FastifyInstance): Promise<void> {
    const { service, options } = app.checkin;

    app.post<{ Body: Body<'Enrolment'> }>(
      '/participants',
      {
        config: { access: 'officer', faultRoute: 'enrol' },
        schema: {
          tags: ['officer'],
          summary: 'Enrol a participant; returns a participant token',
          security,
          body: schemas.Enrolment,
          response: { 201: schemas.EnrolmentReply, ...errorReplies },
        },
      },
      async (request, reply) => {
        const { tokens, tokenExpiresAt } = service.enrol([request.body], () => 'body');
        return reply.code(201).send({ ...tokens[0]!, tokenExpiresAt });
      },
    );

    app.post<{ Body: Body<'BulkEnrolment'> }>(
      '/participants/bulk',
      {
        bodyLimit: options.bulk.bodyLimitBytes,
        config: { access: 'officer', faultRoute: 'enrolBulk' },
        schema: {
          tags: ['officer'],
          summary: `Enrol up to ${options.bulk.maxParticipants} participants at once, all or none`,
          security,
          body: schemas.BulkEnrolment,
          response: { 201: schemas.BulkEnrolmentReply, ...errorReplies },
        },
      },
      async (request, reply) => {
        const { tokens, tokenExpiresAt } = service.enrol(request.body.participants, (index) => `body.participants[${index}]`);
        return reply.code(201).send({ enrolled: tokens.length, tokenExpiresAt, tokens });
      },
    );

    app.get<{ Params: { id: string } }>(
      '/participants/:id/status',
      {
        config: { access: 'officer', faultRoute: 'status' },
        schema: {
          tags: ['officer'],
          summary: "A participant's failed-window streak, escalations and unclosed windows",
          security,
          params: ParticipantParams,
          response: { 200: schemas.StatusReply, ...errorReplies },
        },
      },
      async (request) => service.status(request.params.id),
    );

    app.get<{ Params: { id: string } }>(
      '/participants/:id/record',
      {
        // Officer only: a participant token gets 403 SRV_ERR_FORBIDDEN_ROLE (auth.ts), its own record included.
        config: { access: 'officer' },
        schema: {
          tags: ['officer'],
          summary: "A participant's synthetic personal record (officer only), until retention deletes it",
          security,
          params: ParticipantParams,
          response: { 200: schemas.PersonalRecordReply, ...errorReplies },
        },
      },
      async (request) => service.personalRecord(request.params.id),
    );

    app.get<{ Params: { id: string }; Querystring: { limit?: string } }>(
      '/participants/:id/history',
      {
        config: { access: 'officer', faultRoute: 'history' },
        schema: {
          tags: ['officer'],
          summary: "A participant's latest attempts, windows and escalations, each with its reason",
          security,
          params: ParticipantParams,
          querystring: schemas.HistoryQuery,
          response: { 200: schemas.HistoryReply, ...errorReplies },
        },
      },
      async (request) => service.history(request.params.id, Number(request.query.limit ?? DEFAULT_HISTORY_LIMIT)),
    );
  };
}
