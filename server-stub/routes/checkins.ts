import type { FastifyInstance } from 'fastify';
import { AttemptReply, errorReplies, ParticipantParams, type ApiSchemas, type Body } from '../api-schemas.ts';

const security = [{ bearer: [] }];

/** The participant's routes: open prompts, selfie check-ins and call check-ins. */
export function checkInRoutes(schemas: ApiSchemas) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const { service } = app.checkin;

    app.get<{ Params: { id: string } }>(
      '/participants/:id/windows/open',
      {
        config: { access: 'participant-or-officer', faultRoute: 'openPrompts' },
        schema: {
          tags: ['participant'],
          summary: 'Windows that want an answer now: open, not yet matched, attempts left',
          security,
          params: ParticipantParams,
          response: { 200: schemas.OpenPromptsReply, ...errorReplies },
        },
      },
      async (request) => service.openPrompts(request.params.id),
    );

    app.post<{ Params: { id: string }; Body: Body<'FaceCheckIn'> }>(
      '/participants/:id/checkins',
      {
        config: { access: 'participant', faultRoute: 'checkin' },
        schema: {
          tags: ['participant'],
          summary: 'Submit a selfie check-in; idempotent on attemptId (201 judged now, 200 replayed)',
          security,
          params: ParticipantParams,
          body: schemas.FaceCheckIn,
          response: { 200: AttemptReply, 201: AttemptReply, ...errorReplies },
        },
      },
      async (request, reply) => {
        const { windowId, attemptId, sample, capture, location } = request.body;
        const outcome = service.submitAttempt(request.params.id, {
          windowId,
          attemptId,
          modality: 'face',
          sample,
          livenessScore: capture.livenessScore,
          poorLight: capture.poorLight,
          device: capture.device,
          location,
        });
        return reply.code(outcome.replayed ? 200 : 201).send(outcome);
      },
    );

    app.post<{ Params: { id: string }; Body: Body<'CallCheckIn'> }>(
      '/participants/:id/calls',
      {
        config: { access: 'participant', faultRoute: 'call' },
        schema: {
          tags: ['participant'],
          summary: 'Submit a phone-call check-in verified by voice; idempotent on attemptId (201 judged now, 200 replayed)',
          security,
          params: ParticipantParams,
          body: schemas.CallCheckIn,
          response: { 200: AttemptReply, 201: AttemptReply, ...errorReplies },
        },
      },
      async (request, reply) => {
        const { windowId, attemptId, sample, call } = request.body;
        const outcome = service.submitAttempt(request.params.id, { windowId, attemptId, modality: 'voice', sample, livenessScore: 1, call });
        return reply.code(outcome.replayed ? 200 : 201).send(outcome);
      },
    );
  };
}
