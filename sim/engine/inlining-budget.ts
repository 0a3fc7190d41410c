import { setFlagsFromString } from 'node:v8';

/**
 * Bytecode V8 may inline into one optimized function, in all (its default is 920). A life's hot loop
 * (runLife: the life's steps, the in-process server, the metrics) calls more than that, so the
 * attempt, the window's close and the server's small helpers stayed calls, each passing the life's
 * state through memory; with 2000 they inline. Larger budgets save little more per participant and
 * cost more compilation than a small run gains.
 */
const WIDE_INLINING_BUDGET = 2000;

/**
 * The participant-days of a shard from which the wide budget pays: it makes every life faster but
 * TurboFan's work larger, on threads that share the cores with the shards. Whole-process CPU of the
 * baseline with the default budget instead of the wide one, two workers (interleaved runs, median of
 * per-round ratios): 125k × 30 d 0.957, 250k 0.968, 375k 0.998, 500k 1.029, 1M 1.028. The break-even is
 * near 375k × 30 d on two shards, 5.6M participant-days each.
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
