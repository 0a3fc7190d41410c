import type { RandomStream } from '../rng/index.ts';
import { MINUTE_MS } from '../virtual-time.ts';
import { awakeFrom, delayFactor, type DailyRhythm } from './daily-rhythm.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/**
 * When a person who sees a prompt at `seenAt` makes the first attempt: a log-normal delay
 * (CALIBRATION: response delay, median 5 min, σ 1.2), slower at work and faster in the evening;
 * nobody answers while asleep: a prompt seen at night is seen on waking, and an answer that would
 * fall in the night waits for the morning. Always one normal draw.
 */
export function firstAttemptAt(stream: RandomStream, rhythm: DailyRhythm, seenAt: number, behaviour: Scenario['behaviour']): number {
  const { medianMinutes, sigma } = behaviour.responseDelay;
  const delayMinutes = stream.logNormal(medianMinutes, sigma);
  const start = awakeFrom(rhythm, seenAt);
  const factor = delayFactor(rhythm, start, behaviour.workDelayFactor, behaviour.eveningDelayFactor);
  return awakeFrom(rhythm, Math.round(start + delayMinutes * factor * MINUTE_MS));
}

/** When the next attempt follows a failed one (ASSUMPTION: log-normal, median 2 min). */
export function retryAt(stream: RandomStream, failedAt: number, behaviour: Scenario['behaviour']): number {
  const { medianMinutes, sigma } = behaviour.retryDelay;
  return failedAt + Math.round(stream.logNormal(medianMinutes, sigma) * MINUTE_MS);
}
