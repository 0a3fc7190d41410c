/** Virtual time: integer milliseconds since the scenario's start (its startDate at 00:00 UTC). */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Local hour of day (fractional, 0 ≤ h < 24) at virtual time `at` for a fixed UTC offset. */
export function localHour(at: number, utcOffsetHours: number): number {
  const local = at + utcOffsetHours * HOUR_MS;
  // The engine's instants are whole milliseconds, for which flooring is exact and much faster than
  // the modulo of doubles (a call into the C library); both give the same value.
  const sinceMidnight = Number.isInteger(local) ? local - Math.floor(local / DAY_MS) * DAY_MS : ((local % DAY_MS) + DAY_MS) % DAY_MS;
  return sinceMidnight / HOUR_MS;
}

/** Whether a local hour lies in [from, to), where the range may wrap past midnight. */
export function hourInRange(hour: number, from: number, to: number): boolean {
  if (from === to) return false;
  return from < to ? hour >= from && hour < to : hour >= from || hour < to;
}

/** The first instant ≥ `at` whose local hour is `hour` (whole hours). */
export function nextLocalHour(at: number, utcOffsetHours: number, hour: number): number {
  const current = localHour(at, utcOffsetHours);
  // (hour − current + 24) % 24 without the modulo of doubles (a call into the C library): for a scenario's
  // hours (whole, 0 to 23) the sum lies in (0, 48), where subtracting 24 is exact, as the modulo is.
  const ahead = hour - current + 24;
  const hoursAhead = ahead >= 24 ? ahead - 24 : ahead;
  return Math.ceil(at + hoursAhead * HOUR_MS);
}
