import { setFlagsFromString } from 'node:v8';

/**
 * Whether a shard's thread compiles its optimized code itself (V8's --no-concurrent-recompilation)
 * rather than handing it to V8's background compiler threads. Two shards on two cores leave those
 * threads no core of their own: a shard of 62,500 participants beside another reached its 10,000th
 * life 480–570 ms after its thread started, against 290–345 ms alone, and ran at the same rate after.
 * Compiled in the shard's own thread, the code arrives when asked for. Whole-process wall time (and
 * CPU) of the baseline × 30 d on two workers with it, against without (alternated pairs, medians of
 * per-pair ratios): 125k 0.915 (0.909), 10 pairs; 1M 0.924 (0.936), 4 pairs; 3M 0.974 (0.971),
 * 3 pairs; 5M 0.84 and 1.06, 2 pairs; 10M 1.085 and 1.116 (1.044), 2 pairs: on the largest fleets it
 * costs, for reasons not traced here, so it is kept to shards up to this size.
 */
const SYNCHRONOUS_UP_TO_PARTICIPANT_DAYS = 50_000_000;

export function synchronousOptimizationFor(shardParticipantDays: number): boolean {
  return shardParticipantDays <= SYNCHRONOUS_UP_TO_PARTICIPANT_DAYS;
}

/**
 * Sets how threads started from now on optimize. V8 reads the flag when it creates a thread's isolate,
 * so a thread keeps the mode it started with, and the main thread (already started) is left as it is.
 */
export function optimizeSynchronouslyInNewThreads(synchronous: boolean): void {
  setFlagsFromString(synchronous ? '--no-concurrent-recompilation' : '--concurrent-recompilation');
}
