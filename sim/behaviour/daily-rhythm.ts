import { SHIFT_HOURS, WORK_SHIFTS } from '../../scenarios/catalog.ts';
import { hourInRange, localHour, nextLocalHour } from '../virtual-time.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** Hours of the evening in which people answer fastest (CALIBRATION: daily rhythm, 20:00–23:00). */
const EVENING_FROM = 20;
const EVENING_TO = 23;
/** Night-shift workers sleep after their shift instead of at night (ASSUMPTION). */
const NIGHT_SHIFT_SLEEP: readonly [number, number] = [8, 16];

/** When one participant sleeps and works, in local hours, and how that shapes their answers. */
export interface DailyRhythm {
  utcOffsetHours: number;
  sleepFrom: number;
  sleepTo: number;
  /** Working hours, or from === to for no work. */
  workFrom: number;
  workTo: number;
}

export function rhythmFor(scenario: Scenario, utcOffsetHours: number, workShift: number): DailyRhythm {
  const shift = SHIFT_HOURS[WORK_SHIFTS[workShift]!];
  const sleep = scenario.behaviour.sleepHoursLocal;
  const nightWorker = WORK_SHIFTS[workShift] === 'night' && sleep.from !== sleep.to;
  return {
    utcOffsetHours,
    sleepFrom: nightWorker ? NIGHT_SHIFT_SLEEP[0] : sleep.from,
    sleepTo: nightWorker ? NIGHT_SHIFT_SLEEP[1] : sleep.to,
    workFrom: shift?.[0] ?? 0,
    workTo: shift?.[1] ?? 0,
  };
}

export function isAsleep(rhythm: DailyRhythm, at: number): boolean {
  return hourInRange(localHour(at, rhythm.utcOffsetHours), rhythm.sleepFrom, rhythm.sleepTo);
}

/** The instant a sleeping person wakes, or `at` itself for one who is awake. */
export function awakeFrom(rhythm: DailyRhythm, at: number): number {
  return isAsleep(rhythm, at) ? nextLocalHour(at, rhythm.utcOffsetHours, rhythm.sleepTo) : at;
}

/** Multiplier on the response delay at a given instant: slower at work, faster in the evening. */
export function delayFactor(rhythm: DailyRhythm, at: number, workDelayFactor: number, eveningDelayFactor: number): number {
  const hour = localHour(at, rhythm.utcOffsetHours);
  if (hourInRange(hour, rhythm.workFrom, rhythm.workTo)) return workDelayFactor;
  if (hourInRange(hour, EVENING_FROM, EVENING_TO)) return eveningDelayFactor;
  return 1;
}

/** Whether a capture at this instant is in poor light (CALIBRATION: poor selfie; night 19:00–07:00). */
export function isNightHour(rhythm: DailyRhythm, at: number): boolean {
  return hourInRange(localHour(at, rhythm.utcOffsetHours), 19, 7);
}

