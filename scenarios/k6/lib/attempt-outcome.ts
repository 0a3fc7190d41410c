import { JUDGEMENTS, verificationCause, type FailureCause, type SampleModality } from '../../vocabulary.ts';
import type { AttemptLabel, Judgement, VerdictName } from './export-format.ts';

/**
 * What a scheduled attempt's answer means, judged against its ground-truth label, in the same terms
 * as the harness (sim/backends/http.ts `interpretAttemptReply`, server-stub/policy `windowVerdict`,
 * the life's cause of a failed window; tests hold them equal).
 *
 * The schedule is fixed: a failure the fault-free expectation did not have is not followed by the
 * retry a person would make (that retry is not in the schedule). So k6 counts every scheduled attempt
 * answered otherwise than expected, and reckons each window from its last scheduled attempt: if that
 * one fails, the window fails with the attempt's cause (unless a later attempt failed on the phone,
 * which keeps its own cause).
 */

export type ReplyOutcome =
  | { outcome: 'judged'; judgement: Judgement; similarity: number }
  | { outcome: 'server_error'; errorKind: string }
  | { outcome: 'too_late'; errorKind: string };

/** k6's error_code for a request that timed out. */
const K6_REQUEST_TIMEOUT = 1050;

/** An HTTP answer (status 0: no answer; then `errorCode` says why, as k6's `error_code`). */
export function interpretReply(status: number, body: unknown, errorCode?: number): ReplyOutcome {
  if (status === 0) return { outcome: 'server_error', errorKind: errorCode === K6_REQUEST_TIMEOUT ? 'timeout' : 'connection' };
  const reply = (body !== null && typeof body === 'object' ? body : {}) as { judgement?: unknown; similarity?: unknown; code?: unknown };
  if (status === 200 || status === 201) {
    if (typeof reply.judgement === 'string' && (JUDGEMENTS as readonly string[]).includes(reply.judgement) && typeof reply.similarity === 'number') {
      return { outcome: 'judged', judgement: reply.judgement as Judgement, similarity: reply.similarity };
    }
    return { outcome: 'server_error', errorKind: 'bad_response' };
  }
  if (reply.code === 'SRV_ERR_WINDOW_CLOSED') return { outcome: 'too_late', errorKind: 'window_closed' };
  const code = typeof reply.code === 'string' ? reply.code.replace(/^SRV_ERR_/, '').toLowerCase() : undefined;
  return { outcome: 'server_error', errorKind: code === undefined ? `http_${status}` : `http_${status}_${code}` };
}

/** The body of an answer as JSON, or undefined. */
export function parseBody(text: string | null | undefined): unknown {
  if (text === null || text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text.slice(0, 200) };
  }
}

/** The name a reply would have as an expected outcome. */
export function outcomeName(reply: ReplyOutcome): string {
  return reply.outcome === 'judged' ? reply.judgement : reply.outcome;
}

export function answeredAsExpected(label: AttemptLabel, reply: ReplyOutcome): boolean {
  return outcomeName(reply) === label.expected;
}

/** The cause a failed attempt gives its window (the life's `responseCause`). */
export function causeOf(reply: ReplyOutcome, modality: SampleModality): FailureCause | null {
  switch (reply.outcome) {
    case 'server_error':
      return 'server_error';
    case 'too_late':
      return 'server_latency';
    case 'judged':
      return reply.judgement === 'match' ? null : verificationCause(reply.judgement, modality);
  }
}

/** server-stub/policy's windowVerdict. */
export function windowVerdictOf(judged: number, matched: boolean): VerdictName {
  if (matched) return 'verified';
  return judged > 0 ? 'rejected' : 'missed';
}

export interface WindowReckoning {
  verdict: VerdictName;
  cause: FailureCause | null;
  /** Set when the window ends otherwise than scheduled. */
  shift?: { from: VerdictName; to: VerdictName; fromCause: FailureCause | null; toCause: FailureCause | null };
}

/** A window's verdict, reckoned at its last scheduled attempt from that attempt's answer. */
export function reckonWindow(label: AttemptLabel, reply: ReplyOutcome): WindowReckoning {
  const scheduled = { verdict: label.windowVerdict ?? 'missed', cause: label.windowCause ?? null };
  if (answeredAsExpected(label, reply)) return scheduled;
  const judged = label.judgedBefore + (reply.outcome === 'judged' ? 1 : 0);
  const matched = reply.outcome === 'judged' && reply.judgement === 'match';
  const verdict = windowVerdictOf(judged, matched);
  const cause = matched ? null : label.causeAfter ? scheduled.cause : causeOf(reply, label.modality);
  if (verdict === scheduled.verdict && cause === scheduled.cause) return scheduled;
  return { verdict, cause, shift: { from: scheduled.verdict, to: verdict, fromCause: scheduled.cause, toCause: cause } };
}

/** Error kinds the reference server can give a check-in (from its SRV_ERR_* table), plus the client's own. */
export const ERROR_KINDS = [
  'timeout',
  'connection',
  'bad_response',
  'window_closed',
  'window_registration',
  'http_400_validation',
  'http_400_malformed_json',
  'http_400_bad_request',
  'http_401_unauthenticated',
  'http_401_token_invalid',
  'http_401_token_expired',
  'http_403_forbidden_role',
  'http_403_forbidden_participant',
  'http_404_route_not_found',
  'http_404_participant_not_found',
  'http_404_window_not_found',
  'http_405_method_not_allowed',
  'http_408_request_timeout',
  'http_409_participant_exists',
  'http_409_window_conflict',
  'http_409_attempt_conflict',
  'http_409_idempotency_key_reused',
  'http_409_window_not_open',
  'http_409_attempts_exhausted',
  'http_413_body_too_large',
  'http_414_url_too_long',
  'http_415_unsupported_media_type',
  'http_417_expectation_failed',
  'http_429_rate_limited',
  'http_429_concurrency_limited',
  'http_431_headers_too_large',
  'http_500_internal',
  'http_500_injected_fault',
  'http_503_outage',
  'http_503_overloaded',
  'http_503_shutting_down',
] as const;

/** The `kind` tag of an error: one of ERROR_KINDS, or `other` (the raw kind goes in a `detail` tag). */
export function errorKindTag(kind: string): string {
  return (ERROR_KINDS as readonly string[]).includes(kind) ? kind : 'other';
}
