import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/index.ts';
import { compareSummaries, HEADLINE_FIGURES, type Comparison } from '../../sim/compare/compare-summaries.ts';
import { formatComparison } from '../../sim/compare/compare-table.ts';
import { loadFixture } from '../report/report-fixtures.ts';
import { summarise } from '../helpers/run.ts';
import type { Summary } from '../../sim/metrics/summary.ts';

const figure = (comparison: Comparison, key: string) => comparison.figures.find((f) => f.key === key)!;

describe('compare', () => {
  let baseline: Summary;
  let worse: Summary;
  beforeAll(async () => {
    const size = { participants: 4000, days: 14, seed: 9 };
    baseline = await summarise(loadScenario({ file: 'scenarios/baseline.yaml', overrides: size }));
    worse = await summarise(loadScenario({ file: 'scenarios/glitch-sweep.yaml', overrides: { ...size, 'glitches.scale': 4 } }));
  });

  it('compares every headline figure, with B − A, an interval around it and a verdict', () => {
    const comparison = compareSummaries({ run: 'a', summary: baseline }, { run: 'b', summary: worse });
    expect(comparison.figures.map((f) => f.key)).toEqual(HEADLINE_FIGURES.map((f) => f.key));
    for (const f of comparison.figures.filter((f) => f.interval)) {
      expect(f.difference).toBeCloseTo(f.b! - f.a!, 12);
      expect(f.interval!.low).toBeLessThanOrEqual(f.difference!);
      expect(f.interval!.high).toBeGreaterThanOrEqual(f.difference!);
    }
  });

  it('knows which way is better: four times the glitches is worse on false failures, and B − A is the other way round from A − B', () => {
    const forward = compareSummaries({ run: 'a', summary: baseline }, { run: 'b', summary: worse });
    const backward = compareSummaries({ run: 'b', summary: worse }, { run: 'a', summary: baseline });
    expect(figure(forward, 'falseFailureRate').verdict).toBe('worse');
    expect(figure(backward, 'falseFailureRate').verdict).toBe('better');
    expect(figure(forward, 'peopleAffectedShare').verdict).toBe('worse');
    expect(figure(forward, 'falseFailureRate').difference).toBeCloseTo(-figure(backward, 'falseFailureRate').difference!, 12);
    expect(figure(forward, 'absconderDetectedShare').better).toBe('higher');
    expect(figure(forward, 'detectionDelayP50').better).toBe('lower');
  });

  it('finds a run within noise of itself, and says the results are identical', () => {
    const same = compareSummaries({ run: 'a', summary: baseline }, { run: 'a again', summary: baseline });
    for (const f of same.figures) expect(['within noise', 'no data'], f.key).toContain(f.verdict);
    expect(same.notes.join(' ')).toMatch(/identical/);
  });

  it('calls a higher share of absconders detected better', () => {
    const more = { ...baseline, escalations: { ...baseline.escalations, absconders: 1000, detected: 900 } };
    const fewer = { ...baseline, escalations: { ...baseline.escalations, absconders: 1000, detected: 600 } };
    expect(figure(compareSummaries({ run: 'a', summary: fewer }, { run: 'b', summary: more }), 'absconderDetectedShare').verdict).toBe('better');
  });

  it('shows drive-mode figures without an interval or verdict', () => {
    const a = { ...baseline, mode: 'drive' as const, load: loadFixture() };
    const b = { ...baseline, mode: 'drive' as const, load: { ...loadFixture(), latencyMs: { ...loadFixture().latencyMs, p99: 1200 } } };
    const comparison = compareSummaries({ run: 'a', summary: a }, { run: 'b', summary: b });
    expect(figure(comparison, 'latencyP99')).toMatchObject({ a: 880, b: 1200, difference: 320, interval: null, verdict: 'not assessed' });
    expect(formatComparison(comparison)).toMatch(/latency p99 \(lower is better\)\s*│ ms\s*│ 880\.0\s*│ 1,200\.0\s*│ \+320\.0\s*│ —\s*│ not assessed/);
  });
});
