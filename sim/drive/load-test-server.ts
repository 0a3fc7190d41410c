import type { ServerOptionsInput } from '../../server-stub/options.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** Participants per bulk enrolment and windows per bulk registration, as drive mode, replay and k6 send them. */
export const ENROL_BATCH = 2_000;
export const WINDOW_BATCH = 2_000;

/**
 * Wall ms a batch of windows is registered ahead of its first window's opening. Two seconds, the lead
 * every k6 export already records (its manifest and its registrations' offsets), so exports stay
 * byte-identical; drive mode, which used one second, now starts its clock a second earlier.
 */
export const REGISTRATION_LEAD_MS = 2_000;

/**
 * The reference server as a load test's target: the scenario's policy and dimension, its clock at the
 * run's compression, no per-participant rate limit (a load test sends more than a person would),
 * deeper load shedding, and bulk limits that take exactly the batches the harness sends. Drive mode's
 * child server and an export's reference-server.json are both these options.
 */
export function loadTestServerOptions(scenario: Scenario, compression: number): ServerOptionsInput {
  return {
    policy: scenario.policy,
    dimension: scenario.biometrics.dimension,
    clock: { factor: compression },
    rateLimit: { max: 0 },
    overload: { maxInFlight: 10_000 },
    bulk: { maxParticipants: ENROL_BATCH, maxWindows: WINDOW_BATCH },
  };
}
