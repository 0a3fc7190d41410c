import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { DAY_MS } from '../../../sim/virtual-time.ts';
import { writeExport } from '../../../sim/load-export/write-export.ts';
import {
  arrivalTimesNs,
  equalSplit,
  executionTuple,
  iterationsInTest,
  parseSegment,
  segmentString,
  tupleForValue,
} from '../../../scenarios/k6/lib/execution-segments.ts';
import { SEGMENT_LCM, arrivalPlanOf } from '../../../scenarios/k6/lib/rate-stages.ts';
import type { AttemptEntry, ExportManifest } from '../../../scenarios/k6/lib/export-format.ts';

const stripe = (segment: string, sequence: string, total: number) => iterationsInTest(executionTuple(segment, sequence), total);

describe("k6's execution-segment maths (lib/execution_segment.go)", () => {
  it("stripes iterations as k6's documentation draws it for 1/2, 1/4, 1/4", () => {
    const sequence = '0,1/2,3/4,1';
    expect(stripe('0:1/2', sequence, 12)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(stripe('1/2:3/4', sequence, 12)).toEqual([1, 5, 9]);
    expect(stripe('3/4:1', sequence, 12)).toEqual([3, 7, 11]);
  });

  it("scales whole numbers as k6's ScaleInt64 table shows, summing to the whole", () => {
    const sequence = '0,1/2,3/4,1';
    const scaled = ['0:1/2', '1/2:3/4', '3/4:1'].map((segment) => {
      const tuple = executionTuple(segment, sequence);
      return Array.from({ length: 12 }, (_, index) => tuple.sequence.scale(tuple.index, index + 1));
    });
    expect(scaled[0]).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    expect(scaled[1]).toEqual([0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]);
    expect(scaled[2]).toEqual([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
    for (let value = 1; value <= 12; value++) expect(scaled.reduce((sum, row) => sum + row[value - 1]!, 0)).toBe(value);
  });

  it('reads segments as k6 does: percentages, fractions, decimals, and a bare end', () => {
    expect(segmentString(parseSegment('25%:50%'))).toBe('1/4:1/2');
    expect(segmentString(parseSegment('0.25:2/4'))).toBe('1/4:1/2');
    expect(segmentString(parseSegment('1/3'))).toBe('0:1/3');
    expect(segmentString(parseSegment(undefined))).toBe('0:1');
    expect(() => parseSegment('1/2:1/4')).toThrow(/must be less than its end/);
    expect(() => parseSegment('0:3/2')).toThrow(/can't be more than 1/);
    expect(equalSplit(4)).toEqual({ segments: ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1'], sequence: '0,1/4,1/2,3/4,1' });
  });

  it('re-cuts a sequence by maxVUs as an arrival-rate executor does, and leaves it alone for multiples of its lcd', () => {
    const thirds = equalSplit(3);
    const tuple = executionTuple(thirds.segments[0], thirds.sequence);
    expect(tupleForValue(tuple, 840)).toBe(tuple);
    const recut = tupleForValue(tuple, 10);
    expect(recut.sequence.toString()).toBe('0,2/5,7/10,1');
    // Still an exact partition, with shares of 4, 3 and 3 in every 10 iterations.
    const parts = thirds.segments.map((segment) => iterationsInTest(tupleForValue(executionTuple(segment, thirds.sequence), 10), 1000));
    expect(parts.map((part) => part.length)).toEqual([400, 300, 300]);
    expect(parts.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, index) => index));
  });
});

describe('N k6 instances split an exported schedule exactly (N = 1 … 8)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'checkin-sim-k6-segments-'));
  let manifest: ExportManifest;
  let offsets: number[];
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  beforeAll(() => {
    // A surge: most of the week's check-ins at 09:00 local on Monday, so the curve has a sharp shape to keep.
    const scenario = loadScenario({ file: 'scenarios/monday-surge.yaml', overrides: { participants: 1500, days: 7, seed: 5 } });
    const { outDir } = writeExport(scenario, { outDir: join(directory, 'export'), compression: (7 * DAY_MS) / 25_000, chunkSize: 400 });
    manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as ExportManifest;
    offsets = manifest.attempts.chunks.flatMap((chunk) => (JSON.parse(readFileSync(join(outDir, chunk.file), 'utf8')) as AttemptEntry[]).map((entry) => entry.offsetMs));
  });

  it('exports a schedule with a surge in it, and stages that start exactly its requests bucket by bucket', () => {
    const { counts, bucketMs } = manifest.rateCurve.attempts;
    expect(offsets.length).toBe(manifest.counts.attempts);
    expect(Math.max(...counts)).toBeGreaterThan(8 * (offsets.length / counts.length));
    expect(manifest.k6.maxVUs % SEGMENT_LCM).toBe(0);
    const plan = arrivalPlanOf(manifest.rateCurve.attempts);
    const arrivals = arrivalTimesNs(executionTuple(), plan.stages, plan.timeUnitMs);
    // Every scheduled request gets its iteration, plus the one spare.
    expect(arrivals.length).toBe(offsets.length + 1);
    const perBucket = new Array<number>(counts.length).fill(0);
    for (const ns of arrivals.slice(0, offsets.length)) perBucket[Math.max(0, Math.ceil(ns / 1e6 / bucketMs) - 1)]!++;
    expect(perBucket).toEqual(counts);
  });

  for (let parts = 1; parts <= 8; parts++) {
    it(`N = ${parts}: every attempt in exactly one segment, each segment's curve the ${parts}-th part of the whole`, () => {
      const { counts, bucketMs } = manifest.rateCurve.attempts;
      const plan = arrivalPlanOf(manifest.rateCurve.attempts);
      const split = equalSplit(parts);
      const taken: number[] = [];
      for (const segment of split.segments) {
        const own = executionTuple(segment, split.sequence);
        const tuple = tupleForValue(own, manifest.k6.maxVUs);
        expect(tuple).toBe(own);
        const iterations = iterationsInTest(tuple, offsets.length);
        const arrivals = arrivalTimesNs(tuple, plan.stages, plan.timeUnitMs);
        expect(arrivals.length - iterations.length).toBeGreaterThanOrEqual(0);
        expect(arrivals.length - iterations.length).toBeLessThanOrEqual(1);
        taken.push(...iterations);

        const perBucket = new Array<number>(counts.length).fill(0);
        iterations.forEach((iteration, k) => {
          const startMs = arrivals[k]! / 1e6;
          // Each iteration starts no later than its request's instant (one bucket after the scenario's start) and at most two buckets early.
          expect(startMs).toBeLessThanOrEqual(offsets[iteration]! + bucketMs + 1e-3);
          expect(startMs).toBeGreaterThanOrEqual(offsets[iteration]! - bucketMs - 1e-3);
          perBucket[Math.max(0, Math.ceil(startMs / bucketMs) - 1)]!++;
        });
        perBucket.forEach((count, bucket) => expect(Math.abs(count - counts[bucket]! / parts), `${segment}, bucket ${bucket}`).toBeLessThanOrEqual(1));
        expect(Math.abs(iterations.length - offsets.length / parts)).toBeLessThanOrEqual(1);
      }
      expect(taken.sort((a, b) => a - b)).toEqual(Array.from({ length: offsets.length }, (_, index) => index));
    });
  }
});
