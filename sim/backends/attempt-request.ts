import { encodeSampleBase64 } from '../../server-stub/sample-encoding.ts';
import type { CheckInAttempt } from './backend.ts';

/**
 * The HTTP request of one check-in attempt, as drive mode sends it and as `export-k6` writes it: the
 * path of its modality's route and its JSON body, the sample in its compact base64 form.
 *
 * The body is printed by hand because this is the driver's hottest path: `JSON.stringify` of the same
 * object gives the same bytes (a test holds them equal) but scans the long sample string for escapes.
 * Nothing printed here needs escaping (ids are digits and dashes, base64 has no `"` or `\`), and
 * template literals print finite numbers as JSON does; so the body is ASCII, which the sender relies on.
 */
export function attemptRequest(
  participantId: string,
  attempt: Pick<CheckInAttempt, 'windowIndex' | 'attemptIndex' | 'modality' | 'windowKind' | 'livenessScore'>,
  sample: ArrayLike<number>,
  location?: { lat: number; lon: number; accuracyM: number },
): { path: string; body: string } {
  const ids = `{"windowId":"${attempt.windowIndex}","attemptId":"${attempt.windowIndex}-${attempt.attemptIndex}"`;
  const sampleBase64 = encodeSampleBase64(sample);
  if (attempt.modality === 'face') {
    const where = location ? `,"location":{"lat":${location.lat},"lon":${location.lon},"accuracyM":${location.accuracyM}}` : '';
    const body = `${ids},"modality":"face","sampleBase64":"${sampleBase64}","capture":{"livenessScore":${attempt.livenessScore}}${where}}`;
    return { path: `/v1/participants/${participantId}/checkins`, body };
  }
  const direction = attempt.windowKind === 'adhoc' ? 'outbound' : 'inbound';
  return { path: `/v1/participants/${participantId}/calls`, body: `${ids},"sampleBase64":"${sampleBase64}","call":{"direction":"${direction}","durationSeconds":90}}` };
}

