import { jsonNumber, jsonString } from './json-text.ts';
import type { AttemptOutcome } from './service-views.ts';

/**
 * An attempt outcome as the JSON of AttemptReply, printed field by field: the text JSON.stringify
 * prints for the outcome (test/server-stub/attempt-reply-serialisation.test.ts holds the two equal),
 * without walking the object generically, which costs JSON.stringify about a third more per check-in.
 * Strings and numbers are printed as JSON.stringify prints them (json-text.ts); the enumerations
 * (modality, judgement, kind, state, verdict) are printed as they are, their vocabularies needing no escape.
 */
export function attemptReplyJson(outcome: AttemptOutcome): string {
  const { window } = outcome;
  return (
    `{"participantId":${jsonString(outcome.participantId)},"attemptId":${jsonString(outcome.attemptId)},"windowId":${jsonString(outcome.windowId)}` +
    `,"modality":"${outcome.modality}","at":${jsonNumber(outcome.at)},"attemptNumber":${jsonNumber(outcome.attemptNumber)},"judgement":"${outcome.judgement}"` +
    `,"similarity":${jsonNumber(outcome.similarity)},"reason":${jsonString(outcome.reason)},"replayed":${outcome.replayed}` +
    `,"window":{"windowId":${jsonString(window.windowId)},"kind":"${window.kind}","state":"${window.state}","openedAt":${jsonNumber(window.openedAt)}` +
    `,"closesAt":${jsonNumber(window.closesAt)},"attemptsUsed":${jsonNumber(window.attemptsUsed)},"attemptsLeft":${jsonNumber(window.attemptsLeft)},"matched":${window.matched}` +
    `${window.verdict === undefined ? '' : `,"verdict":"${window.verdict}"`}${window.reason === undefined ? '' : `,"reason":${jsonString(window.reason)}`}}}`
  );
}
