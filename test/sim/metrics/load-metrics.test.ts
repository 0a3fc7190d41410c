import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { LoadRecorder } from '../../../sim/metrics/load-metrics.ts';

describe('the load recorder', () => {
  it("gives each second the latency percentiles of its requests, those answered long after the second's histogram was packed included", () => {
    const recorder = new LoadRecorder(0, 10);
    const expected = Array.from({ length: 20 }, () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, bitBucketSize: 'packed' }));
    let state = 7;
    const nextLatencyMs = () => ((state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648) ** 3 * 900;
    const answer = (dueMs: number, latencyMs: number) => {
      recorder.sent(dueMs, dueMs);
      recorder.done(dueMs, dueMs + latencyMs);
      expected[Math.floor(dueMs / 1000)]!.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
    };
    for (let dueMs = 0; dueMs < 20_000; dueMs += 7) answer(dueMs, nextLatencyMs());
    // Due in seconds 0 and 3, answered in second 19 and beyond, when those seconds have long been packed.
    for (let index = 0; index < 50; index++) answer(index * 13, 19_000 + index * 40);
    for (let index = 0; index < 50; index++) answer(3_000 + index * 13, 17_000 + index);
    const { timeline } = recorder.summary('test', 1);
    expect(timeline.slice(0, 20).map((second) => [second.latencyP50Ms, second.latencyP99Ms])).toEqual(
      expected.map((histogram) => [50, 99].map((percentile) => Math.round(histogram.getValueAtPercentile(percentile)) / 1000)),
    );
    expect(timeline[0]!.latencyP99Ms).toBeGreaterThan(19_000);
  });
});
