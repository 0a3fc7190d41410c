import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { createFleet } from '../../../sim/engine/fleet.ts';
import { InProcessBackend } from '../../../sim/backends/in-process.ts';
import { INTENT } from '../../../sim/metrics/shard-metrics.ts';
import { SEGMENT_DIMENSIONS } from '../../../sim/metrics/segments.ts';
import type { AttemptResponse, CheckInAttempt } from '../../../sim/backends/backend.ts';

// A life holds its complied windows back from the segments' counts until it pauses or ends (one addition
// per segment rather than one per window). Drive mode reads the counts while lives wait for answers, and a
// sliced run leaves lives paused for good: at every pause, each dimension's counts must add up to the
// complied windows closed so far, and the windows' verdicts to the windows.
describe('segment window counts while lives are paused', () => {
  it('add up to the complied windows closed so far, in every dimension', () => {
    const scenario = loadScenario({ overrides: { participants: 300, days: 14, seed: 5 } });
    const fleet = createFleet(scenario);
    const server = new InProcessBackend(scenario.policy, fleet.shocks, scenario.backend.errorRate, scenario.seed);
    const lives = Array.from({ length: fleet.population.size }, (_, row) => fleet.lifeOf(row));
    const pending = lives.map((life) => life.next());
    let checks = 0;
    // Round-robin: every life takes one step in turn, as drive mode interleaves them.
    for (let round = 0; round < 6; round++) {
      lives.forEach((life, row) => {
        const step = pending[row]!;
        if (!step.done) pending[row] = life.next(server.submit(step.value as CheckInAttempt) as AttemptResponse);
      });
      const { segmentWindows, windowsByIntent, verdicts } = fleet.metrics.data;
      // Complied windows and their verified ones are held back with the segments' counts: all add up at a pause.
      const sum = (counts: number[]) => counts.reduce((total, count) => total + count, 0);
      expect(sum(verdicts), `verdicts, round ${round}`).toBe(sum(windowsByIntent));
      let offset = 0;
      for (const dimension of SEGMENT_DIMENSIONS) {
        const counted = segmentWindows.slice(offset, offset + dimension.labels.length).reduce((sum, count) => sum + count, 0);
        expect(counted, `${dimension.name}, round ${round}`).toBe(windowsByIntent[INTENT.complied]);
        offset += dimension.labels.length;
        checks++;
      }
    }
    expect(checks).toBe(6 * SEGMENT_DIMENSIONS.length);
    expect(fleet.metrics.data.windowsByIntent[INTENT.complied]).toBeGreaterThan(0);
    expect(pending.some((step) => !step.done)).toBe(true);
  });
});
