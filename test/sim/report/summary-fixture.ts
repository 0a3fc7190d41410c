import { CAUSE_INDEX, CLASS_INDEX_OF_CAUSE, type FailureCause } from '../../../scenarios/vocabulary.ts';
import { loadScenario } from '../../../scenarios/index.ts';
import { SEGMENT_NAMES } from '../../../sim/metrics/segments.ts';
import { emptyMetrics, INTENT, VERDICT } from '../../../sim/metrics/shard-metrics.ts';
import { buildSummary, type Summary } from '../../../sim/metrics/summary.ts';

type Causes = Partial<Record<FailureCause, number>>;

export interface FixtureOptions {
  participants?: number;
  complied?: number;
  impostor?: number;
  /** False failures by cause, all on day 0. */
  causes?: Causes;
  /** Segments given complied windows and false failures by cause; every other segment has none. */
  segments?: Record<string, { windows: number; causes?: Causes }>;
  /** People affected: all causes, and by class index (CAUSE_CLASSES order). */
  peopleAffected?: { count: number; byClass: [number, number, number, number] };
  escalations?: { total: number; false: number };
  absconders?: { total: number; followed: number; detected: number };
  burden?: { officerMinutes: number; excusedWindows: number };
}

/**
 * A summary built by hand, through buildSummary (the contract's own code) from counts set here, so
 * that tests of the outputs know every figure without running the engine. Two days: everything
 * happens on day 0; day 1 has no windows (its rates are null).
 */
export function handBuiltSummary(options: FixtureOptions = {}): Summary {
  const participants = options.participants ?? 100;
  const complied = options.complied ?? 1000;
  const impostor = options.impostor ?? 0;
  const metrics = emptyMetrics(2);
  metrics.participants = participants;
  metrics.windowsByIntent[INTENT.complied] = complied;
  metrics.windowsByIntent[INTENT.impostor] = impostor;
  let falseFailures = 0;
  for (const [cause, n] of Object.entries(options.causes ?? {}) as [FailureCause, number][]) {
    metrics.falseFailuresByCause[CAUSE_INDEX[cause]] = n;
    metrics.dailyFalseFailuresByCause[CAUSE_INDEX[cause]] = n;
    falseFailures += n;
  }
  metrics.verdicts[VERDICT.missed] = falseFailures;
  metrics.verdicts[VERDICT.verified] = complied + impostor - falseFailures;
  metrics.dailyWindows[0] = complied;
  metrics.dailyFalseFailures[0] = falseFailures;
  for (const [name, segment] of Object.entries(options.segments ?? {})) {
    const index = SEGMENT_NAMES.indexOf(name);
    if (index < 0) throw new Error(`no segment ${name}`);
    metrics.segmentWindows[index] = segment.windows;
    for (const [cause, n] of Object.entries(segment.causes ?? {}) as [FailureCause, number][]) {
      metrics.segmentFalseFailures[index]! += n;
      metrics.segmentFalseFailuresByClass[index * 4 + CLASS_INDEX_OF_CAUSE[CAUSE_INDEX[cause]]!]! += n;
    }
  }
  if (options.peopleAffected) {
    metrics.peopleAffected = options.peopleAffected.count;
    metrics.peopleAffectedByClass = [...options.peopleAffected.byClass];
  }
  if (options.escalations) {
    metrics.escalations = options.escalations.total;
    metrics.falseEscalations = options.escalations.false;
    metrics.dailyEscalations[0] = options.escalations.total;
    metrics.dailyFalseEscalations[0] = options.escalations.false;
  }
  if (options.absconders) {
    metrics.absconders = options.absconders.total;
    metrics.followedAbsconders = options.absconders.followed;
    metrics.detectedAbsconders = options.absconders.detected;
    metrics.detectionDelaysMs = Array.from({ length: options.absconders.detected }, (_, i) => (i + 1) * 3_600_000);
  }
  if (options.burden) {
    metrics.officerMinutes = options.burden.officerMinutes;
    metrics.excusedWindows = options.burden.excusedWindows;
  }
  return buildSummary(loadScenario({ overrides: { participants, days: 2, seed: 1 } }), 'sim', metrics);
}

/** Causes of every class, the person class the largest, so that sorting by count alone would put it first. */
const MIXED_CAUSES: Causes = {
  notification_not_delivered: 12,
  liveness_false_reject: 3,
  battery_dead: 5,
  window_during_work: 4,
  prompt_missed: 20,
  late_response: 6,
};

/** A run with false failures of every class, escalations, absconders and officer time. */
export function mixedSummary(): Summary {
  return handBuiltSummary({
    complied: 1000,
    impostor: 50,
    causes: MIXED_CAUSES,
    segments: {
      'tier:low': { windows: 600, causes: { notification_not_delivered: 9, prompt_missed: 15, battery_dead: 5 } },
      'tier:mid': { windows: 400, causes: { notification_not_delivered: 3, liveness_false_reject: 3, prompt_missed: 5, late_response: 6, window_during_work: 4 } },
    },
    peopleAffected: { count: 30, byClass: [12, 5, 4, 20] },
    escalations: { total: 10, false: 4 },
    absconders: { total: 10, followed: 8, detected: 3 },
    burden: { officerMinutes: 240, excusedWindows: 7 },
  });
}
