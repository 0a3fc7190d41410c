/**
 * The words every part of checkin-sim shares: why a compliant person's window failed and whose failure
 * that was, the window's verdict, the ground-truth intent behind it, how it is answered and how a sample
 * is judged. Defined here once; the simulator, the reference server, the k6 scripts and the dashboards
 * import this module, so it imports nothing. Names are stable: summary.json, metrics labels, dashboards
 * and users' scripts read them.
 */

/**
 * Whose failure a false failure is (docs/design.md, "cause class"):
 * - `system`: the programme's technology failed a person who acted in time;
 * - `device`: the person's phone could not be used;
 * - `schedule`: the policy put the window where the person could not answer;
 * - `person`: the person saw the prompt in time and did not answer it in the window.
 */
export const CAUSE_CLASSES = ['system', 'device', 'schedule', 'person'] as const;
export type CauseClass = (typeof CAUSE_CLASSES)[number];

/** Every cause of a false failure, with its class; the order is the order of `byCause` in summary.json. */
export const CAUSE_CLASS_OF = {
  notification_not_delivered: 'system',
  notification_late: 'system',
  no_service: 'system',
  carrier_outage: 'system',
  app_crash: 'system',
  capture_failure: 'system',
  gps_fix_failure: 'system',
  upload_timeout: 'system',
  call_dropped: 'system',
  server_error: 'system',
  server_latency: 'system',
  liveness_false_reject: 'system',
  verification_false_reject: 'system',
  voice_not_recognised: 'system',
  battery_dead: 'device',
  no_credit: 'device',
  phone_lost_or_broken: 'device',
  camera_broken: 'device',
  storage_full: 'device',
  window_while_asleep: 'schedule',
  window_during_work: 'schedule',
  prompt_missed: 'person',
  late_response: 'person',
} as const satisfies Record<string, CauseClass>;

export type FailureCause = keyof typeof CAUSE_CLASS_OF;
export const FAILURE_CAUSES = Object.keys(CAUSE_CLASS_OF) as FailureCause[];

/** Index of each cause in FAILURE_CAUSES: the simulator counts causes in arrays. */
export const CAUSE_INDEX = Object.fromEntries(FAILURE_CAUSES.map((cause, index) => [cause, index])) as Readonly<Record<FailureCause, number>>;

/** Class index of each cause index (CAUSE_CLASSES order). */
export const CLASS_INDEX_OF_CAUSE: readonly number[] = FAILURE_CAUSES.map((cause) => CAUSE_CLASSES.indexOf(CAUSE_CLASS_OF[cause]));

/** A window's verdict once it has closed. */
export const VERDICTS = ['verified', 'rejected', 'missed'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Ground truth behind a window: answered in good faith, not answered by an absconder, answered by someone else. */
export const INTENTS = ['complied', 'evaded', 'impostor'] as const;
export type Intent = (typeof INTENTS)[number];

/** How a participant answers windows: a selfie in the app, or a phone call verified by voice. */
export const MODALITIES = ['app', 'phone'] as const;

/** What a sample sent to the server is, by modality: a face image or a voice recording. */
export const SAMPLE_MODALITIES = ['face', 'voice'] as const;
export type SampleModality = (typeof SAMPLE_MODALITIES)[number];

/** How the server judges one sample. */
export const JUDGEMENTS = ['match', 'below_threshold', 'not_live'] as const;
export type Judgement = (typeof JUDGEMENTS)[number];

/** The verification cause a judgement other than `match` gives a window, by sample modality. */
export function verificationCause(judgement: Exclude<Judgement, 'match'>, modality: SampleModality): FailureCause {
  if (judgement === 'not_live') return 'liveness_false_reject';
  return modality === 'voice' ? 'voice_not_recognised' : 'verification_false_reject';
}

export function isVerificationCause(cause: FailureCause): boolean {
  return cause === 'liveness_false_reject' || cause === 'verification_false_reject' || cause === 'voice_not_recognised';
}
