import { setFlagsFromString } from 'node:v8';

/** V8's interrupt budget (Node 20): the bytecode a function runs between its checks for optimization by TurboFan. */
export const V8_INTERRUPT_BUDGET = 67_584;

/**
 * The budget while the run's outputs are written and its charts drawn, after the fleet. That code runs
 * warm, not hot: a report's nine charts made TurboFan compile hundreds of Vega's functions, on threads
 * that share the cores with the run, for code that seldom ran long enough to repay it. With 1,000,000
 * few are optimized: a 125k × 30 d run took 0.924× the CPU with it around the charts (2.88 → 2.70 s,
 * medians of 10 interleaved whole-process runs), and 0.983–0.995× again (three such measurements) with it around the summary and
 * the terminal's tables as well. For the whole process instead, the shards' hot code is optimized late:
 * 1.035× with 1,000,000, 0.947× with 300,000 (before the charts had theirs; 1.018× after).
 */
const WARM_CODE_INTERRUPT_BUDGET = 1_000_000;

/**
 * Runs `work` with V8's optimization made rarer, then restores V8's budget, so that code caches written
 * afterwards are made under the flags the next run reads them with (code-cache.ts). V8's flags hold for
 * the whole process: for code that runs when no shard does. A budget given on the command line is left
 * alone.
 */
export async function withRareOptimization<T>(work: () => Promise<T>): Promise<T> {
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((flag) => /--interrupt[-_]budget=/.test(flag))) return work();
  setFlagsFromString(`--interrupt-budget=${WARM_CODE_INTERRUPT_BUDGET}`);
  try {
    return await work();
  } finally {
    setFlagsFromString(`--interrupt-budget=${V8_INTERRUPT_BUDGET}`);
  }
}
