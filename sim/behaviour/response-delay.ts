import type { RandomStream } from '../rng/index.ts';
import { MINUTE_MS } from '../virtual-time.ts';
import { awakeFrom, delayFactor, isAsleep, type DailyRhythm } from './daily-rhythm.ts';
import { CAUSE_INDEX } from '../../scenarios/vocabulary.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** lateCause's causes as constants, for the reason given at glitches.ts's. */
const { window_while_asleep: WINDOW_WHILE_ASLEEP, window_during_work: WINDOW_DURING_WORK, late_response: LATE_RESPONSE } = CAUSE_INDEX;

/** The delay from seeing a prompt to the first attempt, before the daily rhythm shapes it (CALIBRATION: response delay, median 5 min, σ 1.2). One normal draw. */
export function responseDelayMinutes(stream: RandomStream, behaviour: Scenario['behaviour']): number {
  return stream.logNormal(behaviour.responseDelay.medianMinutes, behaviour.responseDelay.sigma);
}

/**
 * When a person who sees a prompt at `seenAt` makes the first attempt, `delayMinutes` later: slower at
 * work and faster in the evening; nobody answers while asleep: a prompt seen at night is seen on
 * waking, and an answer that would fall in the night waits for the morning.
 */
export function attemptAfter(rhythm: DailyRhythm, seenAt: number, delayMinutes: number, behaviour: Scenario['behaviour']): number {
  const start = awakeFrom(rhythm, seenAt);
  const factor = delayFactor(rhythm, start, behaviour.workDelayFactor, behaviour.eveningDelayFactor);
  return awakeFrom(rhythm, Math.round(start + delayMinutes * factor * MINUTE_MS));
}

/**
 * Why a person who saw the prompt at `seenAt` made no attempt before `closesAt`: whatever delayed
 * the prompt (`delayCause`, a system or device cause) when the attempt would have been in time
 * without that delay; else the schedule, when sleep or work pushed an answer past the close that would
 * otherwise have come in time; else the person (late_response).
 */
export function lateCause(
  rhythm: DailyRhythm,
  window: { opensAt: number; closesAt: number },
  seenAt: number,
  delayCause: number,
  delayMinutes: number,
  behaviour: Scenario['behaviour'],
): number {
  if (delayCause >= 0 && attemptAfter(rhythm, window.opensAt, delayMinutes, behaviour) <= window.closesAt) return delayCause;
  const start = awakeFrom(rhythm, seenAt);
  const factor = delayFactor(rhythm, start, behaviour.workDelayFactor, behaviour.eveningDelayFactor);
  const sleptThrough = isAsleep(rhythm, seenAt) || isAsleep(rhythm, Math.round(start + delayMinutes * factor * MINUTE_MS));
  if (sleptThrough && seenAt + Math.round(delayMinutes * factor * MINUTE_MS) <= window.closesAt) return WINDOW_WHILE_ASLEEP;
  if (factor === behaviour.workDelayFactor && factor > 1 && start + Math.round(delayMinutes * MINUTE_MS) <= window.closesAt) return WINDOW_DURING_WORK;
  return LATE_RESPONSE;
}

/** When the next attempt follows a failed one (ASSUMPTION: log-normal, median 2 min). */
export function retryAt(stream: RandomStream, failedAt: number, behaviour: Scenario['behaviour']): number {
  const { medianMinutes, sigma } = behaviour.retryDelay;
  return failedAt + Math.round(stream.logNormal(medianMinutes, sigma) * MINUTE_MS);
}
