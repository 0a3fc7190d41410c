import { CAUSE_CLASSES, CLASS_INDEX_OF_CAUSE, FAILURE_CAUSES, INTENTS, VERDICTS, type Verdict } from '../../scenarios/vocabulary.ts';
import { SEGMENT_DIMENSIONS, SEGMENT_NAMES, segmentColumns, segmentsOf } from './segments.ts';
import type { Population } from '../population/population.ts';

/** Index of each intent and verdict in the vocabulary's lists: the simulator counts them in arrays. */
export const INTENT = { complied: 0, evaded: 1, impostor: 2 } as const satisfies Record<(typeof INTENTS)[number], number>;
export const VERDICT = { verified: 0, rejected: 1, missed: 2 } as const satisfies Record<(typeof VERDICTS)[number], number>;
const CLASSES = CAUSE_CLASSES.length;

/** VERDICT[verdict] by comparisons: a lookup by a name that varies is megamorphic, and every window makes one. */
export function verdictIndex(verdict: Verdict): number {
  if (verdict === 'verified') return VERDICT.verified;
  return verdict === 'rejected' ? VERDICT.rejected : VERDICT.missed;
}

/** Similarity scores are counted in bins of this width over [-1, 1] (bin i starts at -1 + i·width). */
export const SCORE_BIN_WIDTH = 0.01;
export const SCORE_BINS = Math.round(2 / SCORE_BIN_WIDTH);
/** Score histograms, by who answered and how: genuine or impostor, face or voice. */
export const SCORE_HISTOGRAMS = ['genuineFace', 'impostorFace', 'genuineVoice', 'impostorVoice'] as const;

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
  /** segments × cause classes, row-major: false failures of segment s in class c at s·classes + c. */
  segmentFalseFailuresByClass: number[];
  falseAccepts: number;
  escalations: number;
  falseEscalations: number;
  absconders: number;
  /** Absconders followed for at least two check-in intervals after absconding: detection delay is over these. */
  followedAbsconders: number;
  detectedAbsconders: number;
  detectionDelaysMs: number[];
  officerCalls: number;
  officerMinutes: number;
  excusedWindows: number;
  inPersonVisits: number;
  minutesLost: number;
  peopleAffected: number;
  /** People with at least one false failure of each cause class. */
  peopleAffectedByClass: number[];
  segmentPeople: number[];
  segmentPeopleAffected: number[];
  dailyWindows: number[];
  dailyFalseFailures: number[];
  /** days × causes, row-major: false failures of day d by cause c at d·causes + c. */
  dailyFalseFailuresByCause: number[];
  dailyEscalations: number[];
  dailyFalseEscalations: number[];
  /** SCORE_HISTOGRAMS × SCORE_BINS, row-major. */
  scoreHistograms: number[];
  events: number;
  draws: number;
}

export function emptyMetrics(days: number): MetricsData {
  // Packed arrays of small integers (new Array(length) is holey, which every count then checks for holes).
  const zeros = (length: number) => Array.from({ length }, () => 0);
  return {
    participants: 0,
    participantDays: 0,
    windowsByIntent: zeros(INTENTS.length),
    verdicts: zeros(VERDICTS.length),
    falseFailuresByCause: zeros(FAILURE_CAUSES.length),
    segmentWindows: zeros(SEGMENT_NAMES.length),
    segmentFalseFailures: zeros(SEGMENT_NAMES.length),
    segmentFalseFailuresByClass: zeros(SEGMENT_NAMES.length * CLASSES),
    falseAccepts: 0,
    escalations: 0,
    falseEscalations: 0,
    absconders: 0,
    followedAbsconders: 0,
    detectedAbsconders: 0,
    detectionDelaysMs: [],
    officerCalls: 0,
    officerMinutes: 0,
    excusedWindows: 0,
    inPersonVisits: 0,
    minutesLost: 0,
    peopleAffected: 0,
    peopleAffectedByClass: zeros(CLASSES),
    segmentPeople: zeros(SEGMENT_NAMES.length),
    segmentPeopleAffected: zeros(SEGMENT_NAMES.length),
    dailyWindows: zeros(days),
    dailyFalseFailures: zeros(days),
    dailyFalseFailuresByCause: zeros(days * FAILURE_CAUSES.length),
    dailyEscalations: zeros(days),
    dailyFalseEscalations: zeros(days),
    scoreHistograms: zeros(SCORE_HISTOGRAMS.length * SCORE_BINS),
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

/** What the collector needs to remember of one participant while its life runs. */
export interface ParticipantTally {
  /** The participant's segment in each dimension. */
  readonly segments: number[];
  affected: boolean;
  /** Bit c set: a false failure of cause class c. */
  affectedClasses: number;
  /** Complied windows not yet added to the segments' window counts nor to the complied windows (see addHeldWindows). */
  heldWindows: number;
  /** Of heldWindows, those verified: not yet added to the verified windows. */
  heldVerified: number;
}

/**
 * Records what happens to the participants of one shard (sim mode) or run (drive mode, where lives
 * interleave: each life holds its own tally).
 */
export class ShardMetrics {
  readonly data: MetricsData;
  /** The segment columns of the population the last participant came from. */
  private columns: { population: Population; columns: readonly Uint8Array[] } | undefined;

  constructor(days: number) {
    this.data = emptyMetrics(days);
  }

  beginParticipant(population: Population, row: number, activeDays: number): ParticipantTally {
    if (this.columns?.population !== population) this.columns = { population, columns: segmentColumns(population) };
    const tally = { segments: new Array<number>(SEGMENT_DIMENSIONS.length), affected: false, affectedClasses: 0, heldWindows: 0, heldVerified: 0 };
    segmentsOf(this.columns.columns, row, tally.segments);
    this.data.participants++;
    this.data.participantDays += activeDays;
    addOne(this.data.segmentPeople, tally.segments);
    return tally;
  }

  window(tally: ParticipantTally, day: number, intent: number, verdict: number, cause: number): void {
    const data = this.data;
    if (intent !== INTENT.complied) {
      data.windowsByIntent[intent]!++;
      data.verdicts[verdict]!++;
      if (verdict === VERDICT.verified && intent === INTENT.impostor) data.falseAccepts++;
      return;
    }
    data.dailyWindows[day]!++;
    tally.heldWindows++;
    if (verdict === VERDICT.verified) {
      tally.heldVerified++;
      return;
    }
    data.verdicts[verdict]!++;
    const causeClass = CLASS_INDEX_OF_CAUSE[cause]!;
    tally.affected = true;
    tally.affectedClasses |= 1 << causeClass;
    data.falseFailuresByCause[cause]!++;
    data.dailyFalseFailures[day]!++;
    data.dailyFalseFailuresByCause[day * FAILURE_CAUSES.length + cause]!++;
    const { segments } = tally;
    for (let index = 0; index < segments.length; index++) {
      data.segmentFalseFailures[segments[index]!]!++;
      data.segmentFalseFailuresByClass[segments[index]! * CLASSES + causeClass]!++;
    }
  }

  /** `detectionDelayMs` ≥ 0 for the first escalation of an absconder followed long enough; otherwise -1. */
  escalation(day: number, absconded: boolean, detectionDelayMs: number): void {
    this.data.escalations++;
    this.data.dailyEscalations[day]!++;
    if (!absconded) {
      this.data.falseEscalations++;
      this.data.dailyFalseEscalations[day]!++;
    }
    if (detectionDelayMs >= 0) {
      this.data.detectedAbsconders++;
      this.data.detectionDelaysMs.push(detectionDelayMs);
    }
  }

  /** A judged sample's similarity, by who gave it (genuine or impostor) and modality. */
  score(impostor: boolean, voice: boolean, similarity: number): void {
    const histogram = (voice ? 2 : 0) + (impostor ? 1 : 0);
    const bin = Math.min(SCORE_BINS - 1, Math.max(0, Math.floor((similarity + 1) / SCORE_BIN_WIDTH)));
    this.data.scoreHistograms[histogram * SCORE_BINS + bin]!++;
  }

  absconded(followed: boolean): void {
    this.data.absconders++;
    if (followed) this.data.followedAbsconders++;
  }

  /** What a failed window cost the person (their call, a visit) and their officer (a call-back, an excuse). */
  fallback(officerCall: boolean, inPersonVisit: boolean, minutes: number): void {
    if (officerCall) this.data.officerCalls++;
    if (inPersonVisit) this.data.inPersonVisits++;
    this.data.minutesLost += minutes;
  }

  officerCallBack(minutes: number, excused: boolean): void {
    this.data.officerMinutes += minutes;
    if (excused) this.data.excusedWindows++;
  }

  /** Events the officers' side added after a life ended. */
  settledEvents(count: number): void {
    this.data.events += count;
  }

  /**
   * Adds the complied windows a tally holds to the complied windows, the verified ones to the verified
   * windows, and all to each of the tally's segments' counts. Held rather than added window by window:
   * one addition per count for the life rather than one per window (a shard's lives have about six
   * windows each). Whoever reads the counts while a life is under way calls this first.
   */
  addHeldWindows(tally: ParticipantTally): void {
    const held = tally.heldWindows;
    if (held === 0) return;
    const { segmentWindows, windowsByIntent, verdicts } = this.data;
    windowsByIntent[INTENT.complied]! += held;
    verdicts[VERDICT.verified]! += tally.heldVerified;
    const { segments } = tally;
    for (let index = 0; index < segments.length; index++) segmentWindows[segments[index]!]! += held;
    tally.heldWindows = 0;
    tally.heldVerified = 0;
  }

  endParticipant(tally: ParticipantTally, draws: number, events: number): void {
    this.addHeldWindows(tally);
    for (let causeClass = 0; causeClass < CLASSES; causeClass++) if (tally.affectedClasses & (1 << causeClass)) this.data.peopleAffectedByClass[causeClass]!++;
    if (tally.affected) {
      this.data.peopleAffected++;
      addOne(this.data.segmentPeopleAffected, tally.segments);
    }
    this.data.draws += draws;
    this.data.events += events;
  }
}

/** Adds one to each of `counts` at `indexes`. */
function addOne(counts: number[], indexes: readonly number[]): void {
  for (let index = 0; index < indexes.length; index++) counts[indexes[index]!]!++;
}
