import { CAUSE_CLASSES, CAUSE_CLASS_OF, FAILURE_CAUSES, type CauseClass, type FailureCause } from '../../scenarios/vocabulary.ts';
import type { Rate, Summary } from '../metrics/summary.ts';

/**
 * The cause classes as the people-facing outputs (run table, report, compare, sweep) name them.
 * `system` comes first everywhere: it is the headline, what the programme's technology does to a
 * person who acted in time. The sum of all four is "all causes", never a "glitch rate": it also
 * counts phones, the schedule and people who did not answer.
 */
export const CLASS_LABEL: Readonly<Record<CauseClass, string>> = {
  system: 'system (technology)',
  device: 'device (phone unusable)',
  schedule: 'schedule (window placement)',
  person: 'person (did not answer)',
};

/** One line on whose failure each class is (scenarios/vocabulary.ts). */
export const CLASS_MEANING: Readonly<Record<CauseClass, string>> = {
  system: "the programme's technology failed a person who acted in time",
  device: "the person's phone could not be used",
  schedule: 'the policy put the window where the person could not answer',
  person: 'the person saw the prompt in time and did not answer',
};

/** The sum over the classes. */
export const ALL_CAUSES = 'all causes';

/** One colour per class, the same in every chart: system stands out, person recedes. */
export const CLASS_COLOURS: Readonly<Record<CauseClass, string>> = {
  system: '#e45756',
  device: '#f58518',
  schedule: '#4c78a8',
  person: '#a0a0a0',
};

/** Causes in class order (system first), each class's causes in the summary's order. */
export const CAUSES_BY_CLASS: readonly FailureCause[] = CAUSE_CLASSES.flatMap((causeClass) => FAILURE_CAUSES.filter((cause) => CAUSE_CLASS_OF[cause] === causeClass));

/** The class of a cause named in a summary's byCause; undefined for a name this vocabulary does not know. */
export function classOf(cause: string): CauseClass | undefined {
  return (CAUSE_CLASS_OF as Record<string, CauseClass>)[cause];
}

export interface ClassRow {
  causeClass: CauseClass;
  label: string;
  total: number;
  /** Over windows answered in good faith; null when there were none. */
  rate: Rate;
}

/** The summary's false failures by class, system first, as the outputs print them. */
export function classRows(summary: Summary): ClassRow[] {
  return CAUSE_CLASSES.map((causeClass) => {
    const figures = summary.falseFailures.byClass[causeClass];
    return { causeClass, label: CLASS_LABEL[causeClass], total: figures.total, rate: figures.rate };
  });
}
