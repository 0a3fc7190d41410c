import Table from 'cli-table3';
import { poissonRate, wilsonRate, type Estimate } from '../metrics/intervals.ts';
import type { CauseClass } from '../../scenarios/vocabulary.ts';
import type { Rate, Summary } from '../metrics/summary.ts';
import type { VerificationSection } from '../metrics/verification-types.ts';
import type { GridField, GridPoint, GridValue } from './grid.ts';

/**
 * A proportion with its 95 % Wilson interval. `value`, `low` and `high` are null when there was
 * nothing to divide by (e.g. no impostor windows): such a rate is empty in sweep.csv, null in
 * sweep.json and a dash in the table, never 0.
 */
export interface RateEstimate {
  count: number;
  value: Rate;
  low: Rate;
  high: Rate;
}

/**
 * One row per sweep point, the same in sweep.json, sweep.csv and the table printed for people. Rates
 * are fractions with a 95 % interval (Wilson for proportions, the Poisson score interval for counts
 * per 1,000 participants). Nothing here depends on the machine, so the files are byte-identical for
 * the same scenario, grid and seed.
 */
export interface SweepRow {
  index: number;
  label: string;
  values: Record<string, GridValue>;
  participants: number;
  days: number;
  windows: { complied: number; impostor: number };
  /** False failures of the system class (the technology failed a person who acted in time), over windows answered in good faith: the headline. */
  systemRate: RateEstimate;
  /** The person's phone could not be used. */
  deviceRate: RateEstimate;
  /** The policy put the window where the person could not answer. */
  scheduleRate: RateEstimate;
  /** The person saw the prompt in time and did not answer. */
  personRate: RateEstimate;
  /** False failures of all causes (the four classes together), over windows answered in good faith. */
  falseFailureRate: RateEstimate;
  peopleAffectedShare: RateEstimate;
  falseAcceptRate: RateEstimate;
  /** False failures caused by verification (face, voice or liveness), over windows answered in good faith. */
  verificationFalseRejectRate: RateEstimate;
  falseEscalationsPer1000: Estimate & { count: number };
  /** Escalations of absconders (count), over all escalations. */
  escalationPrecision: RateEstimate & { escalations: number };
  /** Absconders escalated within the period (count), over absconders followed for at least two check-in intervals. */
  absconderDetectedShare: RateEstimate & { absconders: number; followed: number };
  detectionDelayHours: { p50: number | null; p90: number | null };
  inPersonVisitsPer1000: Estimate & { count: number };
  hoursLostPerParticipant: number;
  digest: string;
  /** The verification study at this point's thresholds (summary.json's `verification`), or null without one. */
  study: SweepStudy | null;
}

/** A study rate with its 95 % interval (a mean of windows' probabilities; a mixture of impostor kinds for false matches). */
interface StudyRate {
  value: number;
  low: number;
  high: number;
}

interface SweepStudyModality {
  threshold: number;
  attemptFalseMatch: StudyRate;
  attemptFalseNonMatch: StudyRate;
  windowFalseMatch: StudyRate;
  windowFalseNonMatch: StudyRate;
}

interface SweepStudy {
  face: SweepStudyModality;
  voice: SweepStudyModality;
  /** Expected a year for this point's fleet, both modalities. */
  falseAcceptsPerYear: StudyRate;
  verificationFalseFailuresPerYear: StudyRate;
  digest: string;
}

export interface SweepDocument {
  scenario: string;
  seed: number;
  confidence: number;
  grid: GridField[];
  points: SweepRow[];
}

const VERIFICATION_CAUSES = ['verification_false_reject', 'voice_not_recognised', 'liveness_false_reject'];

export function sweepRow(point: GridPoint, summary: Summary): SweepRow {
  const { windows, falseFailures, falseAccepts, escalations, burden, peopleAffected } = summary;
  const thousands = summary.participants / 1000;
  const verification = VERIFICATION_CAUSES.reduce((sum, cause) => sum + (falseFailures.byCause[cause] ?? 0), 0);
  const ofComplied = (causeClass: CauseClass) => rateEstimate(falseFailures.byClass[causeClass].total, windows.complied);
  const trueEscalations = escalations.total - escalations.false;
  return {
    index: point.index,
    label: point.label,
    values: point.values,
    participants: summary.participants,
    days: summary.days,
    windows: { complied: windows.complied, impostor: windows.impostor },
    systemRate: ofComplied('system'),
    deviceRate: ofComplied('device'),
    scheduleRate: ofComplied('schedule'),
    personRate: ofComplied('person'),
    falseFailureRate: rateEstimate(falseFailures.total, windows.complied),
    peopleAffectedShare: rateEstimate(peopleAffected.count, summary.participants),
    falseAcceptRate: rateEstimate(falseAccepts.total, windows.impostor),
    verificationFalseRejectRate: rateEstimate(verification, windows.complied),
    falseEscalationsPer1000: { count: escalations.false, ...rounded(poissonRate(escalations.false, thousands)) },
    escalationPrecision: { ...rateEstimate(trueEscalations, escalations.total), escalations: escalations.total },
    absconderDetectedShare: { ...rateEstimate(escalations.detected, escalations.followed), absconders: escalations.absconders, followed: escalations.followed },
    detectionDelayHours: { p50: escalations.detectionDelayHours.p50, p90: escalations.detectionDelayHours.p90 },
    inPersonVisitsPer1000: { count: burden.inPersonVisits, ...rounded(poissonRate(burden.inPersonVisits, thousands)) },
    hoursLostPerParticipant: round(burden.minutesLost / 60 / Math.max(summary.participants, 1)),
    digest: summary.digest,
    study: summary.verification ? sweepStudy(summary.verification) : null,
  };
}

function sweepStudy(section: VerificationSection): SweepStudy {
  const pick = ({ value, low, high }: StudyRate): StudyRate => ({ value, low, high });
  const modality = (name: 'face' | 'voice'): SweepStudyModality => {
    const { threshold, atThreshold } = section[name];
    return {
      threshold,
      attemptFalseMatch: pick(atThreshold.attempt.falseMatch),
      attemptFalseNonMatch: pick(atThreshold.attempt.falseNonMatch),
      windowFalseMatch: pick(atThreshold.window.falseMatch),
      windowFalseNonMatch: pick(atThreshold.window.falseNonMatch),
    };
  };
  return {
    face: modality('face'),
    voice: modality('voice'),
    falseAcceptsPerYear: pick(section.fleet.falseAcceptsPerYear),
    verificationFalseFailuresPerYear: pick(section.fleet.verificationFalseFailuresPerYear),
    digest: section.digest,
  };
}

/** The study's columns, after the fleet's: per modality, the threshold and four rates; then the fleet a year. */
const STUDY_RATES = [
  ['fmr_attempt', 'attemptFalseMatch'],
  ['fnmr_attempt', 'attemptFalseNonMatch'],
  ['fmr_window', 'windowFalseMatch'],
  ['fnmr_window', 'windowFalseNonMatch'],
] as const;

function studyHeader(): string[] {
  const withInterval = (name: string) => [name, `${name}_low`, `${name}_high`];
  return [
    ...(['face', 'voice'] as const).flatMap((modality) => [`study_${modality}_threshold`, ...STUDY_RATES.flatMap(([name]) => withInterval(`study_${modality}_${name}`))]),
    ...withInterval('study_false_accepts_per_year'),
    ...withInterval('study_verification_false_failures_per_year'),
    'study_digest',
  ];
}

function studyCells(study: SweepStudy | null): (string | number)[] {
  if (!study) return studyHeader().map(() => '');
  const cells = (rate: StudyRate) => [rate.value, rate.low, rate.high];
  return [
    ...(['face', 'voice'] as const).flatMap((modality) => [study[modality].threshold, ...STUDY_RATES.flatMap(([, key]) => cells(study[modality][key]))]),
    ...cells(study.falseAcceptsPerYear),
    ...cells(study.verificationFalseFailuresPerYear),
    study.digest,
  ];
}

export function sweepJson(document: SweepDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The CSV's estimate columns, in order: the false-failure rates by class (system first), then all causes, then the rest. */
const ESTIMATES = [
  ['system_rate', 'systemRate'],
  ['device_rate', 'deviceRate'],
  ['schedule_rate', 'scheduleRate'],
  ['person_rate', 'personRate'],
  ['false_failure_rate', 'falseFailureRate'],
  ['people_affected_share', 'peopleAffectedShare'],
  ['false_accept_rate', 'falseAcceptRate'],
  ['verification_false_reject_rate', 'verificationFalseRejectRate'],
  ['false_escalations_per_1000', 'falseEscalationsPer1000'],
  ['escalation_precision', 'escalationPrecision'],
  ['absconders_detected_share', 'absconderDetectedShare'],
  ['in_person_visits_per_1000', 'inPersonVisitsPer1000'],
] as const;

/**
 * sweep.csv: one header line, then one line per point; intervals as _low/_high columns. A rate with
 * nothing to divide by is an empty cell. `false_failure_rate` is the rate of all causes; the
 * headline is `system_rate`.
 */
export function sweepCsv(document: SweepDocument): string {
  const header = [
    'index',
    ...document.grid.map((field) => field.field),
    'participants',
    'days',
    'complied_windows',
    'impostor_windows',
    ...ESTIMATES.flatMap(([name]) => [`${name}_count`, name, `${name}_low`, `${name}_high`]),
    'escalations',
    'absconders',
    'absconders_followed',
    'detection_delay_p50_h',
    'detection_delay_p90_h',
    'hours_lost_per_participant',
    'digest',
    ...studyHeader(),
  ];
  const lines = document.points.map((row) =>
    [
      row.index,
      ...document.grid.map((field) => row.values[field.field]!),
      row.participants,
      row.days,
      row.windows.complied,
      row.windows.impostor,
      ...ESTIMATES.flatMap(([, key]) => [row[key].count, row[key].value ?? '', row[key].low ?? '', row[key].high ?? '']),
      row.escalationPrecision.escalations,
      row.absconderDetectedShare.absconders,
      row.absconderDetectedShare.followed,
      row.detectionDelayHours.p50 ?? '',
      row.detectionDelayHours.p90 ?? '',
      row.hoursLostPerParticipant,
      row.digest,
      ...studyCells(row.study),
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/** The sweep as a table for a person at a terminal: the system false-failure rate first, then the other classes and all causes. */
export function formatSweepTable(document: SweepDocument): string {
  const table = new Table({
    head: [
      '#',
      ...document.grid.map((field) => field.field),
      'false-failure rate, system (95 % CI)',
      'device',
      'schedule',
      'person',
      'all causes',
      'people affected',
      'false accepts',
      'study: false match / window, face (95 % CI)',
      'false escalations /1k',
      'escalation precision',
      'detected',
      'delay p50',
      'visits /1k',
    ],
    style: { head: [], border: [], compact: true },
  });
  for (const row of document.points) {
    table.push([
      String(row.index),
      ...document.grid.map((field) => String(row.values[field.field])),
      row.systemRate.value === null ? '—' : `${pct(row.systemRate.value)} (${pct(row.systemRate.low)}–${pct(row.systemRate.high)})`,
      pct(row.deviceRate.value),
      pct(row.scheduleRate.value),
      pct(row.personRate.value),
      pct(row.falseFailureRate.value),
      pct(row.peopleAffectedShare.value),
      `${row.falseAcceptRate.count} (${pct(row.falseAcceptRate.value)})`,
      row.study ? `${scientific(row.study.face.windowFalseMatch.value)} (${scientific(row.study.face.windowFalseMatch.low)}–${scientific(row.study.face.windowFalseMatch.high)})` : '—',
      row.falseEscalationsPer1000.value.toFixed(1),
      pct(row.escalationPrecision.value, 1),
      pct(row.absconderDetectedShare.value, 1),
      row.detectionDelayHours.p50 === null ? '—' : `${row.detectionDelayHours.p50.toFixed(0)} h`,
      row.inPersonVisitsPer1000.value.toFixed(1),
    ]);
  }
  return table.toString();
}

function scientific(value: number): string {
  return value === 0 ? '0' : value.toExponential(1);
}

/** A rate as a percentage; a dash when there is none. */
function pct(rate: Rate, digits = 2): string {
  return rate === null ? '—' : `${(100 * rate).toFixed(digits)} %`;
}

function csvCell(value: string | number | boolean): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** k/n with its Wilson interval, or nulls when n is 0. */
function rateEstimate(count: number, trials: number): RateEstimate {
  const estimate = wilsonRate(count, trials);
  return estimate === null ? { count, value: null, low: null, high: null } : { count, ...rounded(estimate) };
}

function rounded(estimate: Estimate): Estimate {
  return { value: round(estimate.value), low: round(estimate.low), high: round(estimate.high) };
}

/** Eight significant decimals: stable text, far finer than any interval. */
function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1e8) / 1e8 : value;
}
