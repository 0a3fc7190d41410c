import { CAUSE_CLASSES, type CauseClass } from '../../scenarios/vocabulary.ts';
import { ALL_CAUSES, CLASS_LABEL } from '../report/cause-classes.ts';
import { differenceInterval, poissonRate, quantileInterval, wilsonRate, type Estimate, type Interval } from '../metrics/intervals.ts';
import type { Summary } from '../metrics/summary.ts';

type Better = 'lower' | 'higher';
/** What B's figure is, next to A's. */
type Verdict = 'better' | 'worse' | 'within noise' | 'no data' | 'not assessed';

export interface FigureComparison {
  key: string;
  label: string;
  unit: string;
  better: Better;
  a: number | null;
  b: number | null;
  /** b − a. */
  difference: number | null;
  /** 95 % interval of b − a; null when it cannot be computed from the summaries. */
  interval: Interval | null;
  verdict: Verdict;
  /** Decimals to print. */
  digits: number;
}

interface RunIdentity {
  run: string;
  scenario: string;
  mode: string;
  seed: number;
  participants: number;
  days: number;
  digest: string;
}

export interface Comparison {
  a: RunIdentity;
  b: RunIdentity;
  confidence: number;
  figures: FigureComparison[];
  notes: string[];
}

interface FigureDefinition {
  key: string;
  label: string;
  unit: string;
  better: Better;
  digits: number;
  /**
   * The figure of one run with its own 95 % interval, in the unit shown; null without data. A figure
   * with no sample to put an interval on gives `{ value }` alone, and is shown with its difference
   * but no interval or verdict ('not assessed').
   */
  estimate: (summary: Summary) => Estimate | { value: number } | null;
}

const VERIFICATION_CAUSES = ['verification_false_reject', 'voice_not_recognised', 'liveness_false_reject'];

/** Thousands of participant-months (30 days): the exposure counts are put per. */
const thousandParticipantMonths = (summary: Summary) => (summary.participants * summary.days) / 30 / 1000;
const scaled = (estimate: Estimate, factor: number): Estimate => ({ value: estimate.value * factor, low: estimate.low * factor, high: estimate.high * factor });
const delayTable = (summary: Summary) => summary.escalations.detectionDelayHours.quantiles.map((row) => ({ quantile: row.quantile, value: row.hours }));

/** A rate k/n in percent with its Wilson interval; null when n is 0 (no rate, not a rate of 0). */
const percentRate = (successes: number, trials: number): Estimate | null => {
  const estimate = wilsonRate(successes, trials);
  return estimate === null ? null : scaled(estimate, 100);
};

/** The false-failure rate of one cause class: `systemFalseFailureRate`, `deviceFalseFailureRate`, … */
const classFigure = (causeClass: CauseClass): FigureDefinition => ({
  key: `${causeClass}FalseFailureRate`,
  label: `false-failure rate, ${CLASS_LABEL[causeClass]}`,
  unit: '% of good-faith windows',
  better: 'lower',
  digits: 3,
  estimate: (s) => percentRate(s.falseFailures.byClass[causeClass].total, s.windows.complied),
});

/**
 * Every headline figure, which way is better, and how its interval is made. The false-failure rate
 * of the system class leads (what the technology does to people who acted in time), then the other
 * classes, then all causes together (key `falseFailureRate`, as before the classes).
 */
export const HEADLINE_FIGURES: readonly FigureDefinition[] = [
  ...CAUSE_CLASSES.map(classFigure),
  {
    key: 'falseFailureRate',
    label: `false-failure rate, ${ALL_CAUSES}`,
    unit: '% of good-faith windows',
    better: 'lower',
    digits: 3,
    estimate: (s) => percentRate(s.falseFailures.total, s.windows.complied),
  },
  {
    key: 'systemPeopleAffectedShare',
    label: `people affected, ${CLASS_LABEL.system}`,
    unit: '% of participants',
    better: 'lower',
    digits: 2,
    estimate: (s) => percentRate(s.peopleAffected.byClass.system.count, s.participants),
  },
  {
    key: 'peopleAffectedShare',
    label: `people affected, ${ALL_CAUSES}`,
    unit: '% of participants',
    better: 'lower',
    digits: 2,
    estimate: (s) => percentRate(s.peopleAffected.count, s.participants),
  },
  {
    key: 'falseAcceptRate',
    label: 'false-accept rate',
    unit: '% of impostor windows',
    better: 'lower',
    digits: 2,
    estimate: (s) => percentRate(s.falseAccepts.total, s.windows.impostor),
  },
  {
    key: 'verificationFalseRejectRate',
    label: 'false rejects by verification',
    unit: '% of good-faith windows',
    better: 'lower',
    digits: 3,
    estimate: (s) => percentRate(VERIFICATION_CAUSES.reduce((sum, cause) => sum + (s.falseFailures.byCause[cause] ?? 0), 0), s.windows.complied),
  },
  {
    key: 'falseEscalations',
    label: 'false escalations',
    unit: 'per 1,000 participant-months',
    better: 'lower',
    digits: 2,
    estimate: (s) => poissonRate(s.escalations.false, thousandParticipantMonths(s)),
  },
  {
    key: 'escalationPrecision',
    label: 'escalation precision',
    unit: '% of escalations that were of absconders',
    better: 'higher',
    digits: 1,
    estimate: (s) => percentRate(s.escalations.total - s.escalations.false, s.escalations.total),
  },
  {
    key: 'inPersonVisits',
    label: 'in-person visits',
    unit: 'per 1,000 participant-months',
    better: 'lower',
    digits: 1,
    estimate: (s) => poissonRate(s.burden.inPersonVisits, thousandParticipantMonths(s)),
  },
  {
    key: 'officerCalls',
    label: 'officer calls',
    unit: 'per 1,000 participant-months',
    better: 'lower',
    digits: 1,
    estimate: (s) => poissonRate(s.burden.officerCalls, thousandParticipantMonths(s)),
  },
  {
    key: 'hoursLost',
    label: 'hours lost by compliant people',
    unit: 'per participant-month',
    better: 'lower',
    digits: 3,
    // A count of fallbacks (calls and visits) times their mean length; the interval treats the
    // length as fixed, so it is somewhat narrower than the truth when calls and visits mix.
    estimate: (s) => {
      const events = s.burden.officerCalls + s.burden.inPersonVisits;
      const meanHours = events === 0 ? 0 : s.burden.minutesLost / 60 / events;
      return scaled(poissonRate(events, thousandParticipantMonths(s)), meanHours / 1000);
    },
  },
  {
    key: 'officerMinutes',
    label: 'officer minutes',
    unit: 'per participant-month',
    better: 'lower',
    digits: 2,
    // A sum of call-back lengths: the summary holds no count of call-backs to put an interval on.
    estimate: (s) => ({ value: s.burden.officerMinutes / Math.max(thousandParticipantMonths(s) * 1000, 1e-9) }),
  },
  {
    key: 'excusedWindows',
    label: 'excused windows',
    unit: 'per 1,000 participant-months',
    better: 'lower',
    digits: 1,
    estimate: (s) => poissonRate(s.burden.excusedWindows, thousandParticipantMonths(s)),
  },
  {
    key: 'absconderDetectedShare',
    label: 'absconders detected',
    unit: '% of absconders followed ≥ 2 check-in intervals',
    better: 'higher',
    digits: 1,
    estimate: (s) => percentRate(s.escalations.detected, s.escalations.followed),
  },
  {
    key: 'detectionDelayP50',
    label: 'detection delay p50',
    unit: 'h',
    better: 'lower',
    digits: 1,
    estimate: (s) => quantileInterval(delayTable(s), 0.5, s.escalations.detected, 0),
  },
  {
    key: 'detectionDelayP90',
    label: 'detection delay p90',
    unit: 'h',
    better: 'lower',
    digits: 1,
    estimate: (s) => quantileInterval(delayTable(s), 0.9, s.escalations.detected, 0),
  },
  ...studyFigures(),
];

/**
 * The verification study's figures (summary.json's `verification`), when both runs have one: the
 * per-window rates at each run's face threshold and the expected counts a year, in their own
 * intervals (the normal interval of a mean of windows' probabilities for the rates).
 */
function studyFigures(): FigureDefinition[] {
  const per100k = (estimate: { value: number; low: number; high: number }): Estimate => scaled({ value: estimate.value, low: estimate.low, high: estimate.high }, 100_000);
  const yearly = (estimate: { value: number; low: number; high: number }): Estimate => ({ value: estimate.value, low: estimate.low, high: estimate.high });
  return [
    {
      key: 'studyFaceFalseMatchPerWindow',
      label: 'study: false match per window, face',
      unit: 'per 100,000 impostor windows',
      better: 'lower',
      digits: 2,
      estimate: (s) => (s.verification ? per100k(s.verification.face.atThreshold.window.falseMatch) : null),
    },
    {
      key: 'studyFaceFalseNonMatchPerWindow',
      label: 'study: false non-match per window, face',
      unit: 'per 100,000 genuine windows',
      better: 'lower',
      digits: 1,
      estimate: (s) => (s.verification ? per100k(s.verification.face.atThreshold.window.falseNonMatch) : null),
    },
    {
      key: 'studyFalseAcceptsPerYear',
      label: 'study: expected false accepts',
      unit: 'per year, this fleet',
      better: 'lower',
      digits: 2,
      estimate: (s) => (s.verification ? yearly(s.verification.fleet.falseAcceptsPerYear) : null),
    },
    {
      key: 'studyVerificationFalseFailuresPerYear',
      label: 'study: expected verification false failures',
      unit: 'per year, this fleet',
      better: 'lower',
      digits: 0,
      estimate: (s) => (s.verification ? yearly(s.verification.fleet.verificationFalseFailuresPerYear) : null),
    },
  ];
}

/** Drive-mode figures: single measurements with no sample to put an interval on. */
const LOAD_FIGURES: readonly { key: string; label: string; unit: string; better: Better; digits: number; pick: (load: NonNullable<Summary['load']>) => number }[] = [
  { key: 'achievedRps', label: 'achieved request rate', unit: 'req/s', better: 'higher', digits: 1, pick: (load) => load.achievedRps },
  { key: 'latencyP50', label: 'latency p50', unit: 'ms', better: 'lower', digits: 1, pick: (load) => load.latencyMs.p50 },
  { key: 'latencyP99', label: 'latency p99', unit: 'ms', better: 'lower', digits: 1, pick: (load) => load.latencyMs.p99 },
  { key: 'latencyP999', label: 'latency p99.9', unit: 'ms', better: 'lower', digits: 1, pick: (load) => load.latencyMs.p999 },
  { key: 'errors', label: 'request errors', unit: 'count', better: 'lower', digits: 0, pick: (load) => Object.values(load.errors).reduce((sum, n) => sum + n, 0) },
  { key: 'late', label: 'requests sent late', unit: 'count', better: 'lower', digits: 0, pick: (load) => load.late },
];

/** Compares run B with run A, figure by figure: B − A, its 95 % interval, and whether B is better. */
export function compareSummaries(a: { run: string; summary: Summary }, b: { run: string; summary: Summary }): Comparison {
  const figures: FigureComparison[] = HEADLINE_FIGURES.map((figure) => {
    const ea = figure.estimate(a.summary);
    const eb = figure.estimate(b.summary);
    const base = { key: figure.key, label: figure.label, unit: figure.unit, better: figure.better, digits: figure.digits };
    if (!ea || !eb) return { ...base, a: ea?.value ?? null, b: eb?.value ?? null, difference: null, interval: null, verdict: 'no data' };
    if (!('low' in ea) || !('low' in eb)) return { ...base, a: ea.value, b: eb.value, difference: eb.value - ea.value, interval: null, verdict: 'not assessed' };
    const difference = differenceInterval(ea, eb);
    return { ...base, a: ea.value, b: eb.value, difference: difference.value, interval: { low: difference.low, high: difference.high }, verdict: verdictOf(difference, figure.better) };
  });
  const loadA = a.summary.load;
  const loadB = b.summary.load;
  if (loadA && loadB) {
    for (const figure of LOAD_FIGURES) {
      const va = figure.pick(loadA);
      const vb = figure.pick(loadB);
      figures.push({ key: figure.key, label: figure.label, unit: figure.unit, better: figure.better, digits: figure.digits, a: va, b: vb, difference: vb - va, interval: null, verdict: 'not assessed' });
    }
  }
  return { a: identity(a), b: identity(b), confidence: 0.95, figures, notes: notesFor(a.summary, b.summary, Boolean(loadA && loadB)) };
}

function verdictOf(difference: Estimate, better: Better): Verdict {
  if (difference.low > 0) return better === 'higher' ? 'better' : 'worse';
  if (difference.high < 0) return better === 'lower' ? 'better' : 'worse';
  return 'within noise';
}

function identity({ run, summary }: { run: string; summary: Summary }): RunIdentity {
  return { run, scenario: summary.scenario, mode: summary.mode, seed: summary.seed, participants: summary.participants, days: summary.days, digest: summary.digest };
}

function notesFor(a: Summary, b: Summary, load: boolean): string[] {
  const notes: string[] = [];
  if (a.digest === b.digest) notes.push('The two runs have the same digest: their results are identical.');
  if (a.seed === b.seed && a.digest !== b.digest) {
    notes.push('Both runs use the same seed, so they share random draws (common random numbers): the intervals, which treat the runs as independent, are conservative.');
  }
  if (a.days !== b.days || a.participants !== b.participants) {
    notes.push(`The runs differ in size (${a.participants} × ${a.days} days vs ${b.participants} × ${b.days} days): counts are compared per 1,000 participant-months, rates as rates.`);
  }
  if (a.burden.officerMinutes > 0 || b.burden.officerMinutes > 0) notes.push('Officer minutes are a sum of call-back lengths with no count to put an interval on: they are shown with their difference but no interval or verdict.');
  if (a.verification && b.verification) {
    notes.push(
      'Study figures come from the verification study beside each fleet (summary.json `verification`): rates per window at the face threshold (means of each window\'s probability of the error, with normal intervals), and what they mean a year for each fleet; a run without a study shows no data.',
    );
    if (a.verification.digest === b.verification.digest) notes.push('The two verification studies have the same digest: their figures are identical.');
  }
  if (load) notes.push('Drive-mode figures (request rate, latency, errors) are single measurements: they are shown with their difference but no interval or verdict.');
  else if (a.load || b.load) notes.push('Only one run has drive-mode figures; they are not compared.');
  return notes;
}
