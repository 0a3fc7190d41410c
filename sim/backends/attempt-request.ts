import { encodeSampleBase64 } from '../../server-stub/sample-encoding.ts';
import type { CheckInAttempt } from './backend.ts';

/**
 * The HTTP request of one check-in attempt, as drive mode sends it and as `export-k6` writes it: the
 * path of its modality's route and its JSON body, the sample in its compact base64 form.
 */
export function attemptRequest(
  participantId: string,
  attempt: Pick<CheckInAttempt, 'windowIndex' | 'attemptIndex' | 'modality' | 'windowKind' | 'livenessScore'>,
  sample: ArrayLike<number>,
  location?: { lat: number; lon: number; accuracyM: number },
): { path: string; body: string } {
  const windowId = String(attempt.windowIndex);
  const attemptId = `${attempt.windowIndex}-${attempt.attemptIndex}`;
  const sampleBase64 = encodeSampleBase64(sample);
  if (attempt.modality === 'face') {
    const body = { windowId, attemptId, modality: 'face', sampleBase64, capture: { livenessScore: attempt.livenessScore }, ...(location && { location }) };
    return { path: `/v1/participants/${participantId}/checkins`, body: JSON.stringify(body) };
  }
  const body = { windowId, attemptId, sampleBase64, call: { direction: attempt.windowKind === 'adhoc' ? 'outbound' : 'inbound', durationSeconds: 90 } };
  return { path: `/v1/participants/${participantId}/calls`, body: JSON.stringify(body) };
}
