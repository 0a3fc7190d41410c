import { InvalidArgumentError } from 'commander';

/**
 * Commander parsers that refuse anything but what the flag means. The checkin-sim commands' parsers
 * leave the flag's name to commander's own message; `serve`'s name it again, as they always have.
 */

export function integerFlag(minimum: number): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected an integer ≥ ${minimum}, got "${value}"`);
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < minimum) throw new InvalidArgumentError(`expected an integer ≥ ${minimum}, got ${value}`);
    return parsed;
  };
}

export function positiveNumberFlag(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return parsed;
}

export function urlFlag(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected an http:// or https:// URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`expected an http:// or https:// URL, got "${value}"`);
  return url.origin;
}

/** `serve`'s: any finite number. */
export function namedNumberFlag(flag: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError(`${flag}: expected a number, got '${value}'`);
    return parsed;
  };
}

/** `serve`'s: an integer in min..max, digits only. */
export function namedIntegerFlag(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) throw new InvalidArgumentError(`${flag}: expected an integer in ${min}..${max}, got '${value}'`);
    return parsed;
  };
}
