import { cpus, platform, release } from 'node:os';

/**
 * What every benchmark prints with its figures: the machine it ran on, when, and each figure as the
 * median of its rounds with their min–max, so that a reader sees how much one round may differ from
 * the next on a shared, noisy machine.
 */

export interface Machine {
  /** CPU model as the OS names it. */
  cpu: string;
  /** Logical cores the process sees. */
  cores: number;
  node: string;
  /** OS name and kernel release. */
  os: string;
  /** ISO 8601 instant the benchmark started. */
  date: string;
}

/** One figure over the rounds of a benchmark. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Rounds the figure was measured in. */
  rounds: number;
}

export function machine(): Machine {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    node: process.version,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString(),
  };
}

export function describeMachine(machine: Machine): string {
  return `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.os}; ${machine.date}`;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, rounds: sorted.length };
}

/** `median (min–max)`, the spread left out when there was one round. */
export function formatSpread(figure: Spread, digits = 0): string {
  const format = (value: number) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return figure.rounds === 1 ? format(figure.median) : `${format(figure.median)} (${format(figure.min)}–${format(figure.max)})`;
}

/** `--name value` from the command line, as a number. */
export function numberFlag(argv: readonly string[], name: string): number | undefined {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return undefined;
  const value = Number(argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: expected a positive number, got '${argv[index + 1] ?? ''}'`);
  return value;
}
