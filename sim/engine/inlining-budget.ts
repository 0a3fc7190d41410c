import { setFlagsFromString } from 'node:v8';

/**
 * Bytecode V8 may inline into one optimized function, in all (its default is 920). A life's hot loop
 * (runLife: the life's steps, the in-process server, the metrics) calls more than that, so the
 * attempt, the window's close and the server's small helpers stayed calls, each passing the life's
 * state through memory; with 2000 they inline. Larger budgets save little more per participant and
 * cost more compilation than a small run gains.
 */
const INLINING_BUDGET = 2000;

/** Widens V8's inlining budget for the engine's hot code. V8 flags hold for the whole process (every worker), and are read when a function is optimized: called before a shard runs. */
export function widenInliningBudget(): void {
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINING_BUDGET}`);
}
