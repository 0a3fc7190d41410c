/**
 * Why a window failed, one name per stage of the model. The order is the order of `byCause` in
 * summary.json (stable: tests, dashboards and users' scripts read these names).
 */
export const FAILURE_CAUSES = [
  'prompt_missed',
  'notification_not_delivered',
  'late_response',
  'phone_unavailable',
  'app_crash',
  'capture_failure',
  'gps_fix_failure',
  'upload_timeout',
  'call_no_answer',
  'call_dropped',
  'server_error',
  'server_latency',
  'liveness_false_reject',
  'verification_false_reject',
  'voice_not_recognised',
] as const;

export type FailureCause = (typeof FAILURE_CAUSES)[number];

export const CAUSE_INDEX: Readonly<Record<FailureCause, number>> = Object.fromEntries(
  FAILURE_CAUSES.map((cause, index) => [cause, index]),
) as Record<FailureCause, number>;
