import { jsonNumber, jsonString } from './json-text.ts';
import type { AttemptOutcome } from './service-views.ts';

/**
 * An attempt outcome as the UTF-8 bytes of AttemptReply's JSON, printed field by field: the text
 * JSON.stringify prints for the outcome (test/server-stub/attempt-reply-serialisation.test.ts holds the
 * two equal), without walking the object generically, which costs JSON.stringify about a third more per
 * check-in. Strings and numbers are printed as JSON.stringify prints them (json-text.ts); the
 * enumerations (modality, judgement, kind, state, verdict) are printed as they are, their vocabularies
 * needing no escape.
 *
 * The attempt's reason is the one part that is not ASCII (a match's `≥`): joined into the text, it
 * would make the whole reply a two-byte string, copied once more to flatten it and measured and encoded
 * in slow passes. So the reply is written in three pieces: the fields before the reason and those
 * after it, ASCII (ids follow the API's id pattern; window reasons are ASCII), as Latin-1 bytes, which
 * for ASCII are the UTF-8 bytes; and the reason, encoded once per distinct text (reasons are shared:
 * judgement-reasons.ts).
 */
export function attemptReplyBytes(outcome: AttemptOutcome): Buffer {
  const { window } = outcome;
  const head =
    `{"participantId":${jsonString(outcome.participantId)},"attemptId":${jsonString(outcome.attemptId)},"windowId":${jsonString(outcome.windowId)}` +
    `,"modality":"${outcome.modality}","at":${jsonNumber(outcome.at)},"attemptNumber":${jsonNumber(outcome.attemptNumber)},"judgement":"${outcome.judgement}"` +
    `,"similarity":${jsonNumber(outcome.similarity)},"reason":`;
  const tail =
    `,"replayed":${outcome.replayed}` +
    `,"window":{"windowId":${jsonString(window.windowId)},"kind":"${window.kind}","state":"${window.state}","openedAt":${jsonNumber(window.openedAt)}` +
    `,"closesAt":${jsonNumber(window.closesAt)},"attemptsUsed":${jsonNumber(window.attemptsUsed)},"attemptsLeft":${jsonNumber(window.attemptsLeft)},"matched":${window.matched}` +
    `${window.verdict === undefined ? '' : `,"verdict":"${window.verdict}"`}${window.reason === undefined ? '' : `,"reason":${jsonString(window.reason)}`}}}`;
  const reason = reasonBytes(outcome.reason);
  const bytes = Buffer.allocUnsafe(head.length + reason.length + tail.length);
  bytes.write(head, 0, 'latin1');
  bytes.set(reason, head.length);
  bytes.write(tail, head.length + reason.length, 'latin1');
  return bytes;
}

// Reasons as JSON strings in UTF-8, by reason; cleared when full (a not-live reason carries its liveness score).
const REASON_CACHE_SIZE = 10_000;
const encodedReasons = new Map<string, Buffer>();

function reasonBytes(reason: string): Buffer {
  let bytes = encodedReasons.get(reason);
  if (bytes === undefined) {
    const json = jsonString(reason);
    // A buffer of its own: a slice of Buffer's shared pool would keep the whole pool alive while cached.
    bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
    bytes.write(json);
    if (encodedReasons.size >= REASON_CACHE_SIZE) encodedReasons.clear();
    encodedReasons.set(reason, bytes);
  }
  return bytes;
}
