import { setFlagsFromString } from 'node:v8';

/** V8's interrupt budget (Node 20): the bytecode a function runs between its checks for optimization by TurboFan. */
export const V8_INTERRUPT_BUDGET = 67_584;

/**
 * The budget while charts are drawn. Vega's functions run warm, not hot: a report's nine charts made
 * TurboFan compile hundreds of them, on threads that share the cores with the run, for code that
 * seldom ran long enough to repay it. With 1,000,000 few are optimized: a 125k × 30 d run took 0.919×
 * the CPU (2.81 → 2.62 s, medians of 10 interleaved whole-process runs). For the whole process instead,
 * the shards' hot code is optimized late: 1.035× with 1,000,000, 0.947× with 300,000.
 */
const CHARTS_INTERRUPT_BUDGET = 1_000_000;

/**
 * Runs `draw` with V8's optimization made rarer, then restores V8's budget, so that code caches written
 * afterwards are made under the flags the next run reads them with (code-cache.ts). A budget given on
 * the command line is left alone.
 */
export async function withRareOptimization<T>(draw: () => Promise<T>): Promise<T> {
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((flag) => /--interrupt[-_]budget=/.test(flag))) return draw();
  setFlagsFromString(`--interrupt-budget=${CHARTS_INTERRUPT_BUDGET}`);
  try {
    return await draw();
  } finally {
    setFlagsFromString(`--interrupt-budget=${V8_INTERRUPT_BUDGET}`);
  }
}
