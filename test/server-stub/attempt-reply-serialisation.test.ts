import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { AttemptReply } from '../../server-stub/api-schemas.ts';
import { attemptReplyBytes } from '../../server-stub/attempt-reply-json.ts';
import { attemptOutcome, windowView, type AttemptOutcome } from '../../server-stub/service-views.ts';
import type { AttemptRecord, WindowRecord } from '../../server-stub/store/store.ts';

// The check-in routes print their outcome with attemptReplyBytes (routes/checkins.ts): it must be what
// the AttemptReply schema's serialiser prints, and what JSON.stringify prints, byte for byte.
describe('attempt reply serialisation', () => {
  it('attemptReplyBytes and JSON.stringify of an outcome print what the response schema serialises', async () => {
    const app = Fastify();
    let outcome: AttemptOutcome | undefined;
    app.get('/', { schema: { response: { 200: AttemptReply } } }, async () => outcome);
    const window: WindowRecord = { participantId: 'p-1', windowId: 'w-1', kind: 'scheduled', openedAt: 0, closesAt: 3_600_000, attemptsUsed: 2, matched: false };
    const closed: WindowRecord = { ...window, kind: 'adhoc', attemptsUsed: 3, matched: true, verdict: 'verified', reason: 'an attempt matched (3 judged)', closedAt: 3_600_001 };
    const record: AttemptRecord = {
      participantId: 'p-1',
      attemptId: 'a:1_x-2',
      windowId: 'w-1',
      modality: 'face',
      at: 1_234_567,
      attemptNumber: 2,
      judgement: 'below_threshold',
      similarity: 0.123456789,
      livenessScore: 0.9,
      reason: 'similarity 0.1235 < face threshold 0.36',
    };
    const cases: AttemptOutcome[] = [
      attemptOutcome(record, false, windowView(window, 10, 3)),
      attemptOutcome({ ...record, judgement: 'match', similarity: -0, reason: 'similarity 0.9000 ≥ face threshold 0.36' }, true, windowView(closed, 10, 3)),
      attemptOutcome({ ...record, modality: 'voice', judgement: 'not_live', similarity: -0.25, reason: 'liveness 0.1 < liveness threshold 0.5' }, false, windowView(window, 4_000_000, 3)),
      attemptOutcome({ ...record, similarity: 1e-7, attemptNumber: 20 }, false, windowView({ ...window, openedAt: 100 }, 10, 20)),
    ];
    for (const each of cases) {
      outcome = each;
      const response = await app.inject({ method: 'GET', url: '/' });
      expect(response.body).toBe(JSON.stringify(each));
      expect(attemptReplyBytes(each).toString()).toBe(response.body);
    }
    // Ids and reasons escaped as JSON.stringify escapes them (a lone surrogate half too); numbers it cannot print as null.
    const unusual = attemptOutcome({ ...record, attemptId: 'a"\\\u0001', similarity: Number.NaN, reason: 'why "\n" \ud800 ≥' }, false, windowView({ ...closed, reason: 'tab\t' }, Number.POSITIVE_INFINITY, 3));
    expect(attemptReplyBytes(unusual).toString()).toBe(JSON.stringify(unusual));
    await app.close();
  });
});
