import { FAILURE_CAUSES } from '../behaviour/failure-causes.ts';
import { SEGMENT_DIMENSIONS, SEGMENT_NAMES, segmentsOf } from './segments.ts';
import type { Population } from '../population/population.ts';

export const INTENTS = ['complied', 'evaded', 'impostor'] as const;
export type Intent = (typeof INTENTS)[number];
export const INTENT = { complied: 0, evaded: 1, impostor: 2 } as const;

export const VERDICTS = ['verified', 'rejected', 'missed'] as const;
export const VERDICT = { verified: 0, rejected: 1, missed: 2 } as const;

/**
 * The counts of a shard, as plain arrays so that they cross worker boundaries and merge by addition.
 * Merging is commutative and exact (integer counts; delays are concatenated and sorted at the end),
 * so the merged figures do not depend on the number of shards or their order.
 */
export interface MetricsData {
  participants: number;
  participantDays: number;
  windowsByIntent: number[];
  verdicts: number[];
  falseFailuresByCause: number[];
  segmentWindows: number[];
  segmentFalseFailures: number[];
  falseAccepts: number;
  escalations: number;
  falseEscalations: number;
  absconders: number;
  detectedAbsconders: number;
  detectionDelaysMs: number[];
  officerCalls: number;
  inPersonVisits: number;
  minutesLost: number;
  peopleAffected: number;
  dailyWindows: number[];
  dailyFalseFailures: number[];
  events: number;
  draws: number;
}

export function emptyMetrics(days: number): MetricsData {
  const zeros = (length: number) => new Array<number>(length).fill(0);
  return {
    participants: 0,
    participantDays: 0,
    windowsByIntent: zeros(INTENTS.length),
    verdicts: zeros(VERDICTS.length),
    falseFailuresByCause: zeros(FAILURE_CAUSES.length),
    segmentWindows: zeros(SEGMENT_NAMES.length),
    segmentFalseFailures: zeros(SEGMENT_NAMES.length),
    falseAccepts: 0,
    escalations: 0,
    falseEscalations: 0,
    absconders: 0,
    detectedAbsconders: 0,
    detectionDelaysMs: [],
    officerCalls: 0,
    inPersonVisits: 0,
    minutesLost: 0,
    peopleAffected: 0,
    dailyWindows: zeros(days),
    dailyFalseFailures: zeros(days),
    events: 0,
    draws: 0,
  };
}

export function mergeMetrics(into: MetricsData, from: MetricsData): MetricsData {
  for (const key of Object.keys(into) as (keyof MetricsData)[]) {
    const target = into[key];
    const source = from[key];
    if (Array.isArray(target) && Array.isArray(source)) {
      if (key === 'detectionDelaysMs') target.push(...source);
      else source.forEach((value, index) => (target[index] = target[index]! + value));
    } else {
      (into[key] as number) = (target as number) + (source as number);
    }
  }
  return into;
}

/** Records what happens to the participants of one shard, one participant at a time. */
export class ShardMetrics {
  readonly data: MetricsData;
  private readonly segments = new Int32Array(SEGMENT_DIMENSIONS.length);
  private affected = false;

  constructor(days: number) {
    this.data = emptyMetrics(days);
  }

  beginParticipant(population: Population, row: number, activeDays: number): void {
    segmentsOf(population, row, this.segments);
    this.affected = false;
    this.data.participants++;
    this.data.participantDays += activeDays;
  }

  window(day: number, intent: number, verdict: number, cause: number): void {
    const data = this.data;
    data.windowsByIntent[intent]!++;
    data.verdicts[verdict]!++;
    if (intent === INTENT.impostor && verdict === VERDICT.verified) data.falseAccepts++;
    if (intent !== INTENT.complied) return;
    const falseFailure = verdict !== VERDICT.verified;
    data.dailyWindows[day]!++;
    for (const segment of this.segments) data.segmentWindows[segment]!++;
    if (!falseFailure) return;
    this.affected = true;
    data.falseFailuresByCause[cause]!++;
    data.dailyFalseFailures[day]!++;
    for (const segment of this.segments) data.segmentFalseFailures[segment]!++;
  }

  escalation(absconded: boolean, detectionDelayMs: number): void {
    this.data.escalations++;
    if (!absconded) this.data.falseEscalations++;
    if (detectionDelayMs >= 0) {
      this.data.detectedAbsconders++;
      this.data.detectionDelaysMs.push(detectionDelayMs);
    }
  }

  absconded(): void {
    this.data.absconders++;
  }

  fallback(officerCall: boolean, inPersonVisit: boolean, minutes: number): void {
    if (officerCall) this.data.officerCalls++;
    if (inPersonVisit) this.data.inPersonVisits++;
    this.data.minutesLost += minutes;
  }

  endParticipant(draws: number, events: number): void {
    if (this.affected) this.data.peopleAffected++;
    this.data.draws += draws;
    this.data.events += events;
  }
}
