import type { FastifyInstance, FastifyReply } from 'fastify';
import { AttemptReply, errorReplies, ParticipantParams, SAMPLE_BOUND, type ApiSchemas, type Body } from '../api-schemas.ts';
import { attemptReplyBytes } from '../attempt-reply-json.ts';
import { ServerError } from '../errors.ts';
import { decodeSampleBase64 } from '../sample-encoding.ts';
import type { AttemptOutcome } from '../service-views.ts';

const security = [{ bearer: [] }];

/**
 * Answers a judged (201) or replayed (200) attempt. The handlers are synchronous and send the JSON
 * themselves (attempt-reply-json.ts), which spares fastify a promise and its serialiser per check-in;
 * the text is what the schema's serialiser prints (test/server-stub/attempt-reply-serialisation.test.ts).
 * It goes out as UTF-8 bytes written once, which fastify sends without measuring or encoding a string.
 */
function sendAttemptReply(reply: FastifyReply, outcome: AttemptOutcome): void {
  reply.code(outcome.replayed ? 200 : 201).header('content-type', 'application/json; charset=utf-8').send(attemptReplyBytes(outcome));
}

/** The participant's routes: open prompts, selfie check-ins and call check-ins. */
export function checkInRoutes(schemas: ApiSchemas, dimension: number) {
  // The schema cannot say "exactly one of" without its oneOf error coming before every other.
  const sampleOf = (body: { sample?: number[]; sampleBase64?: string }): ArrayLike<number> => {
    if (body.sample !== undefined && body.sampleBase64 !== undefined) throw new ServerError('SRV_ERR_VALIDATION', 'is not allowed with sample; send one of the two', 'body.sampleBase64');
    if (body.sample !== undefined) return body.sample;
    if (body.sampleBase64 === undefined) throw new ServerError('SRV_ERR_VALIDATION', 'is required (an array of numbers), or sampleBase64 instead', 'body.sample');
    const sample = decodeSampleBase64(body.sampleBase64, dimension, SAMPLE_BOUND);
    if (sample === undefined) throw new ServerError('SRV_ERR_VALIDATION', `expected ${dimension} little-endian doubles within ±${SAMPLE_BOUND}, in base64`, 'body.sampleBase64');
    return sample;
  };

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
      (request, reply) => {
        const { windowId, attemptId, capture, location } = request.body;
        const outcome = service.submitAttempt(request.params.id, {
          windowId,
          attemptId,
          modality: 'face',
          sample: sampleOf(request.body),
          livenessScore: capture.livenessScore,
          poorLight: capture.poorLight,
          device: capture.device,
          location,
        });
        sendAttemptReply(reply, outcome);
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
      (request, reply) => {
        const { windowId, attemptId, call } = request.body;
        const outcome = service.submitAttempt(request.params.id, { windowId, attemptId, modality: 'voice', sample: sampleOf(request.body), livenessScore: 1, call });
        sendAttemptReply(reply, outcome);
      },
    );
  };
}
