import { CAUSE_CLASSES } from '../../scenarios/vocabulary.ts';
import { CLASS_COLOURS, CLASS_LABEL } from './cause-classes.ts';
import { wilsonRate } from '../metrics/intervals.ts';

export function causeLabel(cause: string): string {
  return cause.replaceAll('_', ' ');
}

/** Cause classes as the charts name them, system first. */
export const CLASS_LABELS: readonly string[] = CAUSE_CLASSES.map((causeClass) => CLASS_LABEL[causeClass]);

/** One colour per cause class (field `class`, holding CLASS_LABEL), the same in every chart of every report. */
export const CLASS_COLOUR = {
  field: 'class',
  type: 'nominal',
  title: 'whose failure (class)',
  scale: { domain: [...CLASS_LABELS], range: CAUSE_CLASSES.map((causeClass) => CLASS_COLOURS[causeClass]) },
  sort: [...CLASS_LABELS],
} as const;

/** Rounds for the JSON data inlined in a chart spec (keeps the SVG, not the data, in the report). */
export function round(value: number, digits = 4): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
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

/** k/n as a percentage with its 95 % Wilson interval, or a dash when n is 0 (no rate to give). */
export function rateWithInterval(successes: number, trials: number, digits = 2): string {
  const estimate = wilsonRate(successes, trials);
  return estimate === null ? '—' : percentWithInterval(estimate, digits);
}

/** A title on several lines (a mutable array, as Vega-Lite's types want it). */
export function lines(...parts: string[]): string[] {
  return parts;
}
