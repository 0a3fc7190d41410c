import { setFlagsFromString } from 'node:v8';

/**
 * Bytecode V8 may inline into one optimized function, in all (its default is 920). A life's hot loop
 * (runLife: the life's steps, the in-process server, the metrics) calls more than that, so the
 * attempt, the window's close and the server's small helpers stayed calls, each passing the life's
 * state through memory. With 2000 they inlined, but which of the smaller steps (drawing a sample, the
 * response delay, the gamma draw) still fitted depended on the call counts V8 had seen when it
 * optimized, that is on the seed and on timing: 10M × 30 d took 29.6 s with seed 1 and 33–41 s with
 * seed 42, whose profile showed those three as calls. With 4000 every one of them fits: seed 42 29.8
 * and 30.3 s against 33.3 and 34.3 at 2000, seed 1 28.0 s (single runs, alternated); 1M × 30 d 0.963×
 * the wall time of 2000 (4 interleaved rounds); 6000 gains nothing more.
 */
const WIDE_INLINING_BUDGET = 4000;

/**
 * The participant-days of a shard from which the wide budget pays: it makes every life faster but
 * TurboFan's work larger, on threads that share the cores with the shards. Whole-process CPU of the
 * baseline with the default budget instead of a wide one of 2000, two workers (interleaved runs, median
 * of per-round ratios): 125k × 30 d 0.957, 250k 0.968, 375k 0.998, 500k 1.029, 1M 1.028. The break-even
 * is near 375k × 30 d on two shards, 5.6M participant-days each. With 4000, 500k × 30 d still gains:
 * 0.908× the wall time and 0.970× the CPU of the default (5 interleaved rounds).
 */
const WIDE_BUDGET_FROM_PARTICIPANT_DAYS = 5_000_000;

/**
 * Widens V8's inlining budget for the engine's hot code when the shard is large enough to repay the
 * compilation. V8 flags hold for the whole process (every worker) and are read when a function is
 * optimized: called before a shard runs. A run's shards are of one size, so its workers agree.
 */
export function widenInliningBudgetFor(shardParticipantDays: number): void {
  if (shardParticipantDays >= WIDE_BUDGET_FROM_PARTICIPANT_DAYS) setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${WIDE_INLINING_BUDGET}`);
}
