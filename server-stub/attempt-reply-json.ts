import type { AttemptOutcome } from './service-views.ts';

/**
 * An attempt outcome as the JSON of AttemptReply, printed field by field: the text JSON.stringify
 * prints for the outcome (test/server-stub/attempt-reply-serialisation.test.ts holds the two equal),
 * without walking the object generically, which costs JSON.stringify about a third more per check-in.
 * Strings go through JSON.stringify, which escapes them; the enumerations (modality, judgement, kind,
 * state, verdict) are printed as they are, their vocabularies needing no escape.
 */
export function attemptReplyJson(outcome: AttemptOutcome): string {
  const { window } = outcome;
  return (
    `{"participantId":${JSON.stringify(outcome.participantId)},"attemptId":${JSON.stringify(outcome.attemptId)},"windowId":${JSON.stringify(outcome.windowId)}` +
    `,"modality":"${outcome.modality}","at":${number(outcome.at)},"attemptNumber":${number(outcome.attemptNumber)},"judgement":"${outcome.judgement}"` +
    `,"similarity":${number(outcome.similarity)},"reason":${JSON.stringify(outcome.reason)},"replayed":${outcome.replayed}` +
    `,"window":{"windowId":${JSON.stringify(window.windowId)},"kind":"${window.kind}","state":"${window.state}","openedAt":${number(window.openedAt)}` +
    `,"closesAt":${number(window.closesAt)},"attemptsUsed":${number(window.attemptsUsed)},"attemptsLeft":${number(window.attemptsLeft)},"matched":${window.matched}` +
    `${window.verdict === undefined ? '' : `,"verdict":"${window.verdict}"`}${window.reason === undefined ? '' : `,"reason":${JSON.stringify(window.reason)}`}}}`
  );
}

/** As JSON.stringify prints a number: NaN and the infinities as null. */
function number(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
