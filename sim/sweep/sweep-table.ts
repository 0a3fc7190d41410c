import Table from 'cli-table3';
import { poissonRate, wilson, type Estimate } from '../report/intervals.ts';
import type { Summary } from '../metrics/summary.ts';
import type { GridField, GridPoint, GridValue } from './grid.ts';

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
  falseFailureRate: Estimate & { count: number };
  peopleAffectedShare: Estimate & { count: number };
  falseAcceptRate: Estimate & { count: number };
  /** False failures caused by verification (face, voice or liveness), over windows answered in good faith. */
  verificationFalseRejectRate: Estimate & { count: number };
  falseEscalationsPer1000: Estimate & { count: number };
  /** Absconders escalated within the period, over absconders. */
  absconderDetectedShare: Estimate & { count: number; absconders: number };
  detectionDelayHours: { p50: number | null; p90: number | null };
  inPersonVisitsPer1000: Estimate & { count: number };
  hoursLostPerParticipant: number;
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
  return {
    index: point.index,
    label: point.label,
    values: point.values,
    participants: summary.participants,
    days: summary.days,
    windows: { complied: windows.complied, impostor: windows.impostor },
    falseFailureRate: { count: falseFailures.total, ...rounded(wilson(falseFailures.total, windows.complied)) },
    peopleAffectedShare: { count: peopleAffected.count, ...rounded(wilson(peopleAffected.count, summary.participants)) },
    falseAcceptRate: { count: falseAccepts.total, ...rounded(wilson(falseAccepts.total, windows.impostor)) },
    verificationFalseRejectRate: { count: verification, ...rounded(wilson(verification, windows.complied)) },
    falseEscalationsPer1000: { count: escalations.false, ...rounded(poissonRate(escalations.false, thousands)) },
    absconderDetectedShare: { count: escalations.detected, absconders: escalations.absconders, ...rounded(wilson(escalations.detected, escalations.absconders)) },
    detectionDelayHours: { p50: escalations.detectionDelayHours.p50, p90: escalations.detectionDelayHours.p90 },
    inPersonVisitsPer1000: { count: burden.inPersonVisits, ...rounded(poissonRate(burden.inPersonVisits, thousands)) },
    hoursLostPerParticipant: round(burden.minutesLost / 60 / Math.max(summary.participants, 1)),
    digest: summary.digest,
  };
}

export function sweepJson(document: SweepDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

const ESTIMATES = [
  ['false_failure_rate', 'falseFailureRate'],
  ['people_affected_share', 'peopleAffectedShare'],
  ['false_accept_rate', 'falseAcceptRate'],
  ['verification_false_reject_rate', 'verificationFalseRejectRate'],
  ['false_escalations_per_1000', 'falseEscalationsPer1000'],
  ['absconders_detected_share', 'absconderDetectedShare'],
  ['in_person_visits_per_1000', 'inPersonVisitsPer1000'],
] as const;

/** sweep.csv: one header line, then one line per point; intervals as _low/_high columns. */
export function sweepCsv(document: SweepDocument): string {
  const header = [
    'index',
    ...document.grid.map((field) => field.field),
    'participants',
    'days',
    'complied_windows',
    'impostor_windows',
    ...ESTIMATES.flatMap(([name]) => [`${name}_count`, name, `${name}_low`, `${name}_high`]),
    'absconders',
    'detection_delay_p50_h',
    'detection_delay_p90_h',
    'hours_lost_per_participant',
    'digest',
  ];
  const lines = document.points.map((row) =>
    [
      row.index,
      ...document.grid.map((field) => row.values[field.field]!),
      row.participants,
      row.days,
      row.windows.complied,
      row.windows.impostor,
      ...ESTIMATES.flatMap(([, key]) => [row[key].count, row[key].value, row[key].low, row[key].high]),
      row.absconderDetectedShare.absconders,
      row.detectionDelayHours.p50 ?? '',
      row.detectionDelayHours.p90 ?? '',
      row.hoursLostPerParticipant,
      row.digest,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/** The sweep as a table for a person at a terminal. */
export function formatSweepTable(document: SweepDocument): string {
  const table = new Table({
    head: ['#', ...document.grid.map((field) => field.field), 'false-failure rate (95 % CI)', 'people affected', 'false accepts', 'false escalations /1k', 'detected', 'delay p50', 'visits /1k'],
    style: { head: [], border: [], compact: true },
  });
  for (const row of document.points) {
    table.push([
      String(row.index),
      ...document.grid.map((field) => String(row.values[field.field])),
      `${pct(row.falseFailureRate.value)} (${pct(row.falseFailureRate.low)}–${pct(row.falseFailureRate.high)})`,
      pct(row.peopleAffectedShare.value),
      `${row.falseAcceptRate.count} (${pct(row.falseAcceptRate.value)})`,
      row.falseEscalationsPer1000.value.toFixed(1),
      pct(row.absconderDetectedShare.value, 1),
      row.detectionDelayHours.p50 === null ? '—' : `${row.detectionDelayHours.p50.toFixed(0)} h`,
      row.inPersonVisitsPer1000.value.toFixed(1),
    ]);
  }
  return table.toString();
}

function pct(rate: number, digits = 2): string {
  return `${(100 * rate).toFixed(digits)} %`;
}

function csvCell(value: string | number | boolean): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function rounded(estimate: Estimate): Estimate {
  return { value: round(estimate.value), low: round(estimate.low), high: round(estimate.high) };
}

/** Eight significant decimals: stable text, far finer than any interval. */
function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1e8) / 1e8 : value;
}
