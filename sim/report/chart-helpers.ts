import { FAILURE_CAUSES } from '../../scenarios/vocabulary.ts';

/** Causes as people read them ("app_crash" → "app crash"), in the summary's fixed order. */
export const CAUSE_LABELS: readonly string[] = FAILURE_CAUSES.map(causeLabel);

export function causeLabel(cause: string): string {
  return cause.replaceAll('_', ' ');
}

/** One colour per cause, the same in every chart of every report. */
export const CAUSE_COLOUR = {
  field: 'cause',
  type: 'nominal',
  title: 'cause',
  scale: { domain: [...CAUSE_LABELS], scheme: 'tableau20' },
  sort: [...CAUSE_LABELS],
} as const;

/** Rounds for the JSON data inlined in a chart spec (keeps the SVG, not the data, in the report). */
export function round(value: number, digits = 4): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A rate as a percentage; a rate with no denominator (null) prints as a dash. */
export function percent(rate: number | null, digits = 2): string {
  if (rate === null) return '—';
  return `${(100 * rate).toFixed(digits)} %`;
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function hours(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)} h`;
}

/** A rate with its interval, as "1.23 % (1.10–1.37 %)". */
export function percentWithInterval(estimate: { value: number; low: number; high: number }, digits = 2): string {
  return `${(100 * estimate.value).toFixed(digits)} % (${(100 * estimate.low).toFixed(digits)}–${(100 * estimate.high).toFixed(digits)} %)`;
}

/** A title on several lines (a mutable array, as Vega-Lite's types want it). */
export function lines(...parts: string[]): string[] {
  return parts;
}
