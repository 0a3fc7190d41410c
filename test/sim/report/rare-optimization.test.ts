import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { V8_INTERRUPT_BUDGET, withRareOptimization } from '../../../sim/report/rare-optimization.ts';
import { v8FlagHash } from '../../../sim/report/code-cache.ts';

describe('warm code run with rare optimization', () => {
  it("names V8's own interrupt budget, so that restoring it restores V8's flags", () => {
    const before = v8FlagHash();
    setFlagsFromString(`--interrupt-budget=${V8_INTERRUPT_BUDGET}`);
    expect(v8FlagHash()).toBe(before);
  });

  it("changes V8's flags while drawing, and restores them after, also when drawing fails", async () => {
    const before = v8FlagHash();
    let during = before;
    await expect(
      withRareOptimization(async () => {
        during = v8FlagHash();
        return 'drawn';
      }),
    ).resolves.toBe('drawn');
    expect(during).not.toBe(before);
    expect(v8FlagHash()).toBe(before);
    await expect(withRareOptimization(() => Promise.reject(new Error('no chart')))).rejects.toThrow('no chart');
    expect(v8FlagHash()).toBe(before);
  });
});
