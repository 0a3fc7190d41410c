import { hourInRange } from '../virtual-time.ts';
import type { DailyRhythm } from './daily-rhythm.ts';

/**
 * The local hours in which the schedule may open a window or send a prompt to one person: hours h
 * in which the person is awake and off work, and is still so in hour h + 1, so that a window opened
 * at h leaves at least an hour to answer before sleep or work (ASSUMPTION). Those inside the allowed
 * range [from, from + span) are preferred; when the range holds none, every free hour of the day is
 * used; when the person has no free hour at all (a scenario with impossible hours), the whole range.
 */
export function schedulableHours(rhythm: DailyRhythm, from: number, span: number): number[] {
  const free = (hour: number) => isFree(rhythm, hour % 24) && isFree(rhythm, (hour + 1) % 24);
  const range = Array.from({ length: span }, (_, offset) => from + offset);
  const inRange = range.filter(free);
  if (inRange.length > 0) return inRange;
  const anyHour = Array.from({ length: 24 }, (_, hour) => hour).filter(free);
  return anyHour.length > 0 ? anyHour : range;
}

function isFree(rhythm: DailyRhythm, hour: number): boolean {
  return !hourInRange(hour, rhythm.sleepFrom, rhythm.sleepTo) && !hourInRange(hour, rhythm.workFrom, rhythm.workTo);
}
