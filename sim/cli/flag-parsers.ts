import { InvalidArgumentError } from 'commander';

/** Commander parsers that refuse anything but what the flag means. */
export function integerFlag(minimum: number): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected an integer ≥ ${minimum}, got "${value}"`);
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < minimum) throw new InvalidArgumentError(`expected an integer ≥ ${minimum}, got ${value}`);
    return parsed;
  };
}
