import { SHIFT_HOURS, WORK_SHIFTS } from '../../scenarios/catalog.ts';
import { HOUR_MS, hourInRange, nextLocalHour } from '../virtual-time.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** Hours of the evening in which people answer fastest (CALIBRATION: daily rhythm, 20:00–23:00). */
const EVENING_FROM = 20;
const EVENING_TO = 23;
/** Hours of poor light for a selfie (CALIBRATION: poor selfie; night 19:00–07:00). */
const NIGHT_FROM = 19;
const NIGHT_TO = 7;
/** Night-shift workers sleep after their shift instead of at night (ASSUMPTION). */
const NIGHT_SHIFT_SLEEP: readonly [number, number] = [8, 16];

/**
 * When one participant sleeps and works, in local hours, and how that shapes their answers. Every
 * hour here is whole (the scenario's hours, the catalog's shifts and UTC offsets), so an hour range
 * holds an instant exactly when it holds the instant's whole local hour: the ranges are also kept as
 * masks of hours, which the per-window checks read with one shift instead of the fractional local hour
 * and its comparisons.
 */
export interface DailyRhythm {
  utcOffsetHours: number;
  sleepFrom: number;
  sleepTo: number;
  /** Working hours, or from === to for no work. */
  workFrom: number;
  workTo: number;
  /** utcOffsetHours in milliseconds. */
  offsetMs: number;
  /** Bit h set: local hour h is in [sleepFrom, sleepTo). */
  sleepHours: number;
  /** Bit h set: local hour h is in [workFrom, workTo). */
  workHours: number;
}

export function rhythmFor(scenario: Scenario, utcOffsetHours: number, workShift: number): DailyRhythm {
  const shift = SHIFT_HOURS[WORK_SHIFTS[workShift]!];
  const sleep = scenario.behaviour.sleepHoursLocal;
  const nightWorker = WORK_SHIFTS[workShift] === 'night' && sleep.from !== sleep.to;
  const sleepFrom = nightWorker ? NIGHT_SHIFT_SLEEP[0] : sleep.from;
  const sleepTo = nightWorker ? NIGHT_SHIFT_SLEEP[1] : sleep.to;
  const workFrom = shift?.[0] ?? 0;
  const workTo = shift?.[1] ?? 0;
  return {
    utcOffsetHours,
    sleepFrom,
    sleepTo,
    workFrom,
    workTo,
    offsetMs: utcOffsetHours * HOUR_MS,
    sleepHours: hoursMask(sleepFrom, sleepTo),
    workHours: hoursMask(workFrom, workTo),
  };
}

/** The hours of [from, to) (wrapping past midnight) as bits of a mask. */
function hoursMask(from: number, to: number): number {
  let mask = 0;
  for (let hour = 0; hour < 24; hour++) if (hourInRange(hour, from, to)) mask |= 1 << hour;
  return mask;
}

const EVENING_HOURS = hoursMask(EVENING_FROM, EVENING_TO);
const NIGHT_HOURS = hoursMask(NIGHT_FROM, NIGHT_TO);

/**
 * The local hour of day (0 ≤ h < 24) at `at`, fractional: its whole part is the whole part of the
 * local hour virtual-time's localHour gives (the engine's instants are whole milliseconds, an hour's
 * distance from them, far beyond any rounding), which is all that inHours reads.
 */
function localHourOfDay(rhythm: DailyRhythm, at: number): number {
  const hours = (at + rhythm.offsetMs) / HOUR_MS;
  return hours - Math.floor(hours / 24) * 24;
}

/** Whether the whole hour of `hour` is one of the mask's (`>>>` takes the whole part of the fraction). */
function inHours(mask: number, hour: number): boolean {
  return ((mask >>> hour) & 1) === 1;
}

export function isAsleep(rhythm: DailyRhythm, at: number): boolean {
  return inHours(rhythm.sleepHours, localHourOfDay(rhythm, at));
}

/** The instant a sleeping person wakes, or `at` itself for one who is awake. */
export function awakeFrom(rhythm: DailyRhythm, at: number): number {
  return isAsleep(rhythm, at) ? nextLocalHour(at, rhythm.utcOffsetHours, rhythm.sleepTo) : at;
}

/** Multiplier on the response delay at a given instant: slower at work, faster in the evening. */
export function delayFactor(rhythm: DailyRhythm, at: number, workDelayFactor: number, eveningDelayFactor: number): number {
  const hour = localHourOfDay(rhythm, at);
  if (inHours(rhythm.workHours, hour)) return workDelayFactor;
  if (inHours(EVENING_HOURS, hour)) return eveningDelayFactor;
  return 1;
}

/** Whether a capture at this instant is in poor light. */
export function isNightHour(rhythm: DailyRhythm, at: number): boolean {
  return inHours(NIGHT_HOURS, localHourOfDay(rhythm, at));
}

