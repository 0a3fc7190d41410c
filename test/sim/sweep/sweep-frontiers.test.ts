import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { gridFromScenario, gridPoints, parseGridFlag, type GridField } from '../../../sim/sweep/grid.ts';
import { sweepCharts, type SweepReportInput } from '../../../sim/sweep/sweep-report.ts';
import { sweepRow } from '../../../sim/sweep/sweep-table.ts';
import { addVerificationStudy, drawStudies } from '../../../sim/verification/study-summary.ts';
import { thirtyDaySummary } from '../report/report-fixtures.ts';
import type { Summary } from '../../../sim/metrics/summary.ts';

// The sweep report's trade-off follows what the grid moves, and its DET curve places every swept
// threshold off the plot's edge. Each point has a small verification study (its fleet is a fixture).

const SMALL_STUDY = { participants: 10, 'verification.genuineWindows': 5_000, 'verification.impostorWindows': 1_000, 'verification.lookAlikeWindows': 1_000 };

interface ChartData {
  layer: { data: { values: Record<string, unknown>[] }; encoding: { x: { scale?: { domain?: number[] } }; y: { scale?: { domain?: number[] } } } }[];
}

describe('sweep report: the trade-off that fits the grid', () => {
  let fleet: Summary;
  beforeAll(async () => {
    fleet = await thirtyDaySummary();
  });

  const inputFor = async (file: string | undefined, grid: GridField[]): Promise<SweepReportInput> => {
    const points = gridPoints(file, SMALL_STUDY, grid);
    const studies = await drawStudies(
      points.map((point) => point.scenario),
      { workers: 1 },
    );
    return {
      scenario: 'test',
      seed: 1,
      grid,
      points: points.map((point) => {
        const summary = addVerificationStudy(point.scenario, fleet, studies);
        return { row: sweepRow(point, summary), summary, thresholds: { face: point.scenario.policy.faceThreshold, voice: point.scenario.policy.voiceThreshold } };
      }),
    };
  };
  const ids = (input: SweepReportInput) => sweepCharts(input).map((chart) => chart.id);
  const chart = (input: SweepReportInput, id: string) => sweepCharts(input).find((candidate) => candidate.id === id)!.spec as unknown as ChartData;

  it('scenarios/threshold-sweep.yaml: false failures against false matches, every threshold on it, the frontier the points no other beats', async () => {
    const file = 'scenarios/threshold-sweep.yaml';
    const input = await inputFor(file, gridFromScenario(loadScenario({ file }).sweep.grid));
    expect(ids(input)).toContain('sweep-threshold-frontier');
    expect(ids(input)).not.toContain('sweep-frontier');
    const [frontier, , , points] = chart(input, 'sweep-threshold-frontier').layer.map((layer) => layer.data.values as { threshold: string; rate: number; failuresPerYear: number }[]);
    expect(points!.map((point) => point.threshold)).toEqual(['0.15', '0.2', '0.25', '0.3', '0.325', '0.35', '0.4', '0.45']);
    // A higher threshold lets fewer impostors through and fails more genuine people.
    for (let i = 1; i < points!.length; i++) {
      expect(points![i]!.rate).toBeLessThanOrEqual(points![i - 1]!.rate);
      expect(points![i]!.failuresPerYear).toBeGreaterThanOrEqual(points![i - 1]!.failuresPerYear);
    }
    expect(points!.at(-1)!.failuresPerYear).toBeGreaterThan(10 * points![0]!.failuresPerYear);
    const beaten = (p: { rate: number; failuresPerYear: number }) =>
      points!.some((q) => q.rate <= p.rate && q.failuresPerYear <= p.failuresPerYear && (q.rate < p.rate || q.failuresPerYear < p.failuresPerYear));
    expect(frontier!.map((point) => point.threshold)).toEqual(points!.filter((point) => !beaten(point)).map((point) => point.threshold).reverse());
    expect(frontier!.map((point) => point.threshold)).toContain('0.325');
  });

  it('draws every swept threshold on the DET curve off its edges, at its rate, however rare', async () => {
    const input = await inputFor(undefined, [parseGridFlag('policy.faceThreshold=0.2,0.325,0.45,0.6')]);
    const det = chart(input, 'sweep-det-curve');
    const xMin = det.layer[0]!.encoding.x.scale!.domain![0]!;
    const yMin = det.layer[0]!.encoding.y.scale!.domain![0]!;
    const markers = det.layer[1]!.data.values as { label: string; fmr: number; fnmr: number }[];
    expect(markers.map((marker) => marker.label)).toEqual(['0.2', '0.325', '0.45', '0.6']);
    for (const marker of markers) {
      expect(marker.fmr, marker.label).toBeGreaterThan(xMin);
      expect(marker.fnmr, marker.label).toBeGreaterThan(yMin);
    }
    // 0.6: a false match per attempt far below one in the study's 2,000 impostor windows, still read, with an interval.
    const high = markers.find((marker) => marker.label === '0.6')!;
    const curve = input.points[3]!.summary.verification!.face.curve.find((row) => row.threshold === 0.6)!;
    expect(curve.attempt.falseMatch.value).toBeGreaterThan(0);
    expect(curve.attempt.falseMatch.value).toBeLessThan(1e-9);
    expect(curve.attempt.falseMatch.low).toBeGreaterThan(0);
    expect(high.fmr / (100 * curve.attempt.falseMatch.value)).toBeCloseTo(1, 5);
  });

  it('scenarios/policy-compare.yaml: burden against detection, and no threshold trade-off or DET curve', async () => {
    const file = 'scenarios/policy-compare.yaml';
    const input = await inputFor(file, gridFromScenario(loadScenario({ file }).sweep.grid));
    expect(ids(input)).toContain('sweep-frontier');
    expect(ids(input)).not.toContain('sweep-threshold-frontier');
    expect(ids(input)).not.toContain('sweep-det-curve');
  });

  it('gives a grid moving a threshold and a policy field both trade-offs; a field held at one value moves nothing', async () => {
    const both = await inputFor(undefined, [parseGridFlag('policy.faceThreshold=0.25,0.4'), parseGridFlag('policy.maxAttempts=1,3')]);
    expect(ids(both).filter((id) => id.includes('frontier'))).toEqual(['sweep-threshold-frontier', 'sweep-frontier']);
    const held = await inputFor(undefined, [parseGridFlag('policy.faceThreshold=0.25,0.4'), parseGridFlag('policy.graceMinutes=15')]);
    expect(ids(held).filter((id) => id.includes('frontier'))).toEqual(['sweep-threshold-frontier']);
  });
});
