import { createHash } from 'node:crypto';
import { CAUSE_CLASSES, CAUSE_CLASS_OF, FAILURE_CAUSES, type CauseClass } from '../../scenarios/vocabulary.ts';
import { SEGMENT_NAMES } from './segments.ts';
import { INTENT, SCORE_BINS, SCORE_BIN_WIDTH, SCORE_HISTOGRAMS, VERDICT, type MetricsData } from './shard-metrics.ts';
import { HOUR_MS } from '../virtual-time.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import type { LoadSummary } from './load-metrics.ts';
import type { VerificationSection } from './verification-types.ts';

export type RunMode = 'sim' | 'drive' | 'k6';

/** A rate is a fraction (0..1), or null when its denominator is zero (nothing to divide). */
export type Rate = number | null;

interface ClassFigures {
  total: number;
  rate: Rate;
}

interface SegmentFigures {
  windows: number;
  falseFailures: number;
  rate: Rate;
  byClass: Record<CauseClass, ClassFigures>;
}

interface DayFigures {
  day: number;
  windows: number;
  falseFailures: number;
  rate: Rate;
  byCause: Record<string, number>;
  byClass: Record<CauseClass, number>;
  escalations: number;
  falseEscalations: number;
}

/** Counts of similarity scores in bins of `binWidth`; bin i covers [from + i·binWidth, from + (i+1)·binWidth). */
export interface ScoreHistogram {
  from: number;
  counts: number[];
}

/**
 * summary.json: the results contract of DESIGN.md. Field names are stable. The machine-dependent
 * `perf` figures are written beside it, to perf.json, so that summary.json itself is byte-identical
 * for the same scenario and seed whatever the machine or shard count (DESIGN.md, "Determinism").
 */
export interface Summary {
  scenario: string;
  seed: number;
  mode: RunMode;
  participants: number;
  days: number;
  digest: string;
  windows: { total: number; complied: number; evaded: number; impostor: number };
  verdicts: { verified: number; rejected: number; missed: number };
  falseFailures: {
    total: number;
    rate: Rate;
    byCause: Record<string, number>;
    /** The classes sum to the total; `system` is the headline (what the technology does to a person who acted). */
    byClass: Record<CauseClass, ClassFigures>;
    bySegment: Record<string, SegmentFigures>;
  };
  falseAccepts: { total: number; rate: Rate };
  escalations: {
    total: number;
    false: number;
    /** Escalations of absconders / all escalations. */
    precision: Rate;
    /** Over absconders followed for at least two check-in intervals after absconding. */
    detectionDelayHours: { p50: number | null; p90: number | null; quantiles: { quantile: number; hours: number }[] };
    absconders: number;
    followed: number;
    /** Absconders not followed long enough to expect an escalation yet. */
    notYetDue: number;
    detected: number;
  };
  burden: { inPersonVisits: number; minutesLost: number; officerCalls: number; officerMinutes: number; excusedWindows: number };
  peopleAffected: {
    count: number;
    share: Rate;
    byClass: Record<CauseClass, { count: number; share: Rate }>;
    bySegment: Record<string, { people: number; affected: number; share: Rate }>;
  };
  daily: DayFigures[];
  scores: { binWidth: number } & Record<(typeof SCORE_HISTOGRAMS)[number], ScoreHistogram>;
  /**
   * The verification study beside the fleet (sim/verification): outside the fleet's `digest`, with a
   * digest of its own; absent from summaries written before the study, and from k6's expected summary.
   */
  verification?: VerificationSection;
  /** Drive and k6 modes: what the load did, in wall-clock terms (outside the digest). */
  load?: LoadSummary;
}

export interface Perf {
  wallMs: number;
  events: number;
  eventsPerSec: number;
  peakRssMb: number;
  workers: number;
  draws: number;
  participantDays: number;
  /** Wall time of the verification study, when the command ran one. */
  verificationMs?: number;
}

export function buildSummary(scenario: Scenario, mode: RunMode, metrics: MetricsData, load?: LoadSummary): Summary {
  // Long on purpose: summary.json declared whole, its keys in the order they are written (the digest is of those bytes).
  const complied = metrics.windowsByIntent[INTENT.complied]!;
  const impostor = metrics.windowsByIntent[INTENT.impostor]!;
  const falseFailureTotal = sum(metrics.falseFailuresByCause);
  const delays = [...metrics.detectionDelaysMs].sort((a, b) => a - b);
  const withoutDigest = {
    scenario: scenario.name,
    seed: scenario.seed,
    mode,
    participants: scenario.participants,
    days: scenario.days,
    windows: {
      total: sum(metrics.windowsByIntent),
      complied,
      evaded: metrics.windowsByIntent[INTENT.evaded]!,
      impostor,
    },
    verdicts: {
      verified: metrics.verdicts[VERDICT.verified]!,
      rejected: metrics.verdicts[VERDICT.rejected]!,
      missed: metrics.verdicts[VERDICT.missed]!,
    },
    falseFailures: {
      total: falseFailureTotal,
      rate: ratio(falseFailureTotal, complied),
      byCause: Object.fromEntries(FAILURE_CAUSES.map((cause, index) => [cause, metrics.falseFailuresByCause[index]!])),
      byClass: byClass((causeClass) => {
        const total = classTotal(metrics.falseFailuresByCause, causeClass);
        return { total, rate: ratio(total, complied) };
      }),
      bySegment: Object.fromEntries(
        SEGMENT_NAMES.map((name, index) => {
          const windows = metrics.segmentWindows[index]!;
          const falseFailures = metrics.segmentFalseFailures[index]!;
          const classCounts = metrics.segmentFalseFailuresByClass.slice(index * CAUSE_CLASSES.length, (index + 1) * CAUSE_CLASSES.length);
          return [
            name,
            {
              windows,
              falseFailures,
              rate: ratio(falseFailures, windows),
              byClass: byClass((_causeClass, classIndex) => ({ total: classCounts[classIndex]!, rate: ratio(classCounts[classIndex]!, windows) })),
            },
          ];
        }),
      ),
    },
    falseAccepts: { total: metrics.falseAccepts, rate: ratio(metrics.falseAccepts, impostor) },
    escalations: {
      total: metrics.escalations,
      false: metrics.falseEscalations,
      precision: ratio(metrics.escalations - metrics.falseEscalations, metrics.escalations),
      detectionDelayHours: {
        p50: hoursAt(delays, 0.5),
        p90: hoursAt(delays, 0.9),
        quantiles: delays.length === 0 ? [] : DELAY_QUANTILES.map((quantile) => ({ quantile, hours: hoursAt(delays, quantile)! })),
      },
      absconders: metrics.absconders,
      followed: metrics.followedAbsconders,
      notYetDue: metrics.absconders - metrics.followedAbsconders,
      detected: metrics.detectedAbsconders,
    },
    burden: {
      inPersonVisits: metrics.inPersonVisits,
      minutesLost: metrics.minutesLost,
      officerCalls: metrics.officerCalls,
      officerMinutes: metrics.officerMinutes,
      excusedWindows: metrics.excusedWindows,
    },
    peopleAffected: {
      count: metrics.peopleAffected,
      share: ratio(metrics.peopleAffected, metrics.participants),
      byClass: byClass((_causeClass, classIndex) => {
        const count = metrics.peopleAffectedByClass[classIndex]!;
        return { count, share: ratio(count, metrics.participants) };
      }),
      bySegment: Object.fromEntries(
        SEGMENT_NAMES.map((name, index) => {
          const people = metrics.segmentPeople[index]!;
          const affected = metrics.segmentPeopleAffected[index]!;
          return [name, { people, affected, share: ratio(affected, people) }];
        }),
      ),
    },
    daily: metrics.dailyWindows.map((windows, day) => {
      const falseFailures = metrics.dailyFalseFailures[day]!;
      const causes = metrics.dailyFalseFailuresByCause.slice(day * FAILURE_CAUSES.length, (day + 1) * FAILURE_CAUSES.length);
      return {
        day,
        windows,
        falseFailures,
        rate: ratio(falseFailures, windows),
        byCause: Object.fromEntries(FAILURE_CAUSES.map((cause, index) => [cause, causes[index]!])),
        byClass: byClass((causeClass) => classTotal(causes, causeClass)),
        escalations: metrics.dailyEscalations[day]!,
        falseEscalations: metrics.dailyFalseEscalations[day]!,
      };
    }),
    scores: {
      binWidth: SCORE_BIN_WIDTH,
      ...(Object.fromEntries(
        SCORE_HISTOGRAMS.map((name, index) => [name, trimmedHistogram(metrics.scoreHistograms.slice(index * SCORE_BINS, (index + 1) * SCORE_BINS))]),
      ) as Record<(typeof SCORE_HISTOGRAMS)[number], ScoreHistogram>),
    },
  };
  const { scenario: name, seed, mode: runMode, participants, days, ...results } = withoutDigest;
  return {
    scenario: name,
    seed,
    mode: runMode,
    participants,
    days,
    digest: digestOf(withoutDigest),
    ...results,
    ...(load && { load }),
  };
}

export function buildPerf(metrics: MetricsData, run: { wallMs: number; peakRssMb: number; workers: number }): Perf {
  return {
    wallMs: Math.round(run.wallMs),
    events: metrics.events,
    eventsPerSec: Math.round(metrics.events / Math.max(run.wallMs / 1000, 1e-9)),
    peakRssMb: Math.round(run.peakRssMb),
    workers: run.workers,
    draws: metrics.draws,
    participantDays: metrics.participantDays,
  };
}

/** SHA-256 of the JSON of a summary without its digest and wall-clock `load` (keys in the contract's fixed order). */
function digestOf(results: object): string {
  return createHash('sha256').update(JSON.stringify(results)).digest('hex');
}

/** Recomputes a summary's digest from its own fields, e.g. to check a file has not been edited. */
export function digestOfSummary(summary: Summary): string {
  const { digest: _digest, load: _load, verification: _verification, ...rest } = summary;
  return digestOf(rest);
}

/** The summary with its verification section, placed after the fleet's figures and before `load`. */
export function withVerification(summary: Summary, verification: VerificationSection): Summary {
  const { load, verification: _previous, ...fleet } = summary;
  return { ...fleet, verification, ...(load && { load }) };
}

const DELAY_QUANTILES = Array.from({ length: 20 }, (_, index) => (index + 1) / 20);

/** A histogram without its empty bins at either end. */
function trimmedHistogram(counts: number[]): ScoreHistogram {
  const first = counts.findIndex((count) => count > 0);
  if (first < 0) return { from: -1, counts: [] };
  const last = counts.findLastIndex((count) => count > 0);
  return { from: Math.round((-1 + first * SCORE_BIN_WIDTH) * 100) / 100, counts: counts.slice(first, last + 1) };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function ratio(numerator: number, denominator: number): Rate {
  return denominator === 0 ? null : numerator / denominator;
}

function byClass<T>(figure: (causeClass: CauseClass, classIndex: number) => T): Record<CauseClass, T> {
  return Object.fromEntries(CAUSE_CLASSES.map((causeClass, index) => [causeClass, figure(causeClass, index)])) as Record<CauseClass, T>;
}

/** The sum of the counts (indexed by cause) whose cause is of the given class. */
function classTotal(countsByCause: readonly number[], causeClass: CauseClass): number {
  let total = 0;
  FAILURE_CAUSES.forEach((cause, index) => {
    if (CAUSE_CLASS_OF[cause] === causeClass) total += countsByCause[index]!;
  });
  return total;
}

/** Nearest-rank percentile of sorted delays, in hours (two decimals), or null with no data. */
function hoursAt(sorted: readonly number[], quantile: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(quantile * sorted.length));
  return Math.round((sorted[rank - 1]! / HOUR_MS) * 100) / 100;
}
