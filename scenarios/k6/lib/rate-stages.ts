import type { ArrivalStage } from './execution-segments.ts';

/**
 * The schedule's own rate curve, and the ramping-arrival-rate stages that reproduce it.
 *
 * The curve counts the scheduled requests in each bucket of wall time (1 s, or longer for a long test
 * so that the options stay a manageable size). The stages hold each bucket's count as a constant rate
 * (a 0-length jump to the count, then a hold for the bucket), so the k6 test starts exactly as many
 * iterations in each bucket as the schedule has requests there: a surge or an outage keeps its shape.
 * A last bucket at rate 1 adds one spare arrival, so that float rounding in k6's arithmetic can never
 * leave a scheduled request without its iteration; an iteration past the schedule does nothing.
 *
 * Timing: iteration i is the schedule's request i. The curve is started one bucket ahead of the
 * requests' instants (the scenario's instant 0 is the schedule's −1 bucket), so every iteration starts
 * between zero and two buckets before its request is due and waits for it: requests leave at their own
 * instant, not at a bucket's average spacing.
 */

/** The lcd of the lengths 1/1, 1/2, … 1/8: maxVUs a multiple of it keeps k6's stripes for up to 8 equal segments. */
export const SEGMENT_LCM = 840;

/** Most buckets in a curve; longer tests get longer buckets. */
const MAX_BUCKETS = 10_000;

export interface RateCurve {
  bucketMs: number;
  counts: number[];
}

export interface ArrivalPlan {
  timeUnitMs: number;
  startRate: number;
  stages: ArrivalStage[];
  /** The stages' total length, in ms. */
  durationMs: number;
}

/** A bucket of whole seconds, 1 s unless the test is longer than MAX_BUCKETS seconds. */
export function bucketMsFor(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs / 1000 / MAX_BUCKETS)) * 1000;
}

/** Requests per bucket, from their send offsets (ms from the test's instant 0, ascending). */
export function rateCurveOf(offsetsMs: ArrayLike<number>, bucketMs: number): RateCurve {
  const counts: number[] = [];
  for (let i = 0; i < offsetsMs.length; i++) {
    const bucket = Math.floor(offsetsMs[i]! / bucketMs);
    if (i > 0 && offsetsMs[i]! < offsetsMs[i - 1]!) throw new Error(`offsets must ascend: ${offsetsMs[i]} after ${offsetsMs[i - 1]}`);
    while (counts.length <= bucket) counts.push(0);
    counts[bucket]!++;
  }
  return { bucketMs, counts };
}

/** The stages that start `counts[s]` iterations in bucket s (jump, hold), runs of equal counts merged, plus the spare. */
export function arrivalPlanOf(curve: RateCurve): ArrivalPlan {
  const stages: ArrivalStage[] = [];
  let current = 0;
  let held = 0;
  const flush = () => {
    if (held > 0) stages.push({ durationMs: held * curve.bucketMs, target: current });
    held = 0;
  };
  for (const count of [...curve.counts, 1]) {
    if (count !== current) {
      flush();
      stages.push({ durationMs: 0, target: count });
      current = count;
    }
    held++;
  }
  flush();
  return { timeUnitMs: curve.bucketMs, startRate: 0, stages, durationMs: (curve.counts.length + 1) * curve.bucketMs };
}

/** k6's stage form: durations as strings. */
export function k6Stages(plan: ArrivalPlan): { duration: string; target: number }[] {
  return plan.stages.map((stage) => ({ duration: `${stage.durationMs}ms`, target: stage.target }));
}

export function roundUpToSegmentLcm(value: number): number {
  return Math.max(1, Math.ceil(value / SEGMENT_LCM)) * SEGMENT_LCM;
}

/**
 * VUs for a curve: an iteration holds its VU while it waits for its instant (a bucket on average, two
 * at most) and then for its answer. Pre-allocated for the average at the peak with half a second of
 * latency; at most enough for the longest wait plus a full request timeout, rounded up to a multiple
 * of SEGMENT_LCM (see execution-segments.ts).
 */
export function vusFor(curve: RateCurve, requestTimeoutMs: number): { preAllocatedVUs: number; maxVUs: number } {
  const peakPerSecond = Math.max(0, ...curve.counts) / (curve.bucketMs / 1000);
  const preAllocatedVUs = Math.max(1, Math.ceil(peakPerSecond * (curve.bucketMs / 1000 + 0.5)));
  const maxVUs = roundUpToSegmentLcm(Math.max(preAllocatedVUs, Math.ceil(peakPerSecond * ((2 * curve.bucketMs + requestTimeoutMs) / 1000))));
  return { preAllocatedVUs, maxVUs };
}
