import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { compareSummaries, HEADLINE_FIGURES, type Comparison } from '../../../sim/compare/compare-summaries.ts';
import { formatComparison } from '../../../sim/compare/compare-table.ts';
import { loadFixture } from '../report/report-fixtures.ts';
import { handBuiltSummary, mixedSummary } from '../report/summary-fixture.ts';
import { wilson } from '../../../sim/metrics/intervals.ts';
import { summarise } from '../../helpers/run.ts';
import type { Summary } from '../../../sim/metrics/summary.ts';

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
    // Officer minutes have no interval, so no verdict either way.
    for (const f of same.figures) expect(f.key === 'officerMinutes' ? ['not assessed'] : ['within noise', 'no data'], f.key).toContain(f.verdict);
    expect(same.notes.join(' ')).toMatch(/identical/);
  });

  it('calls a higher share of absconders detected (of those followed) better', () => {
    const more = { ...baseline, escalations: { ...baseline.escalations, absconders: 1200, followed: 1000, detected: 900 } };
    const fewer = { ...baseline, escalations: { ...baseline.escalations, absconders: 1200, followed: 1000, detected: 600 } };
    const comparison = compareSummaries({ run: 'a', summary: fewer }, { run: 'b', summary: more });
    expect(figure(comparison, 'absconderDetectedShare')).toMatchObject({ a: 60, b: 90, verdict: 'better' });
  });

  it('shows drive-mode figures without an interval or verdict', () => {
    const a = { ...baseline, mode: 'drive' as const, load: loadFixture() };
    const b = { ...baseline, mode: 'drive' as const, load: { ...loadFixture(), latencyMs: { ...loadFixture().latencyMs, p99: 1200 } } };
    const comparison = compareSummaries({ run: 'a', summary: a }, { run: 'b', summary: b });
    expect(figure(comparison, 'latencyP99')).toMatchObject({ a: 880, b: 1200, difference: 320, interval: null, verdict: 'not assessed' });
    expect(formatComparison(comparison)).toMatch(/latency p99 \(lower is better\)\s*│ ms\s*│ 880\.0\s*│ 1,200\.0\s*│ \+320\.0\s*│ —\s*│ not assessed/);
  });
});

describe('compare by cause class', () => {
  const a = mixedSummary();
  // More system failures and fewer person failures than A: the classes move apart.
  const b = handBuiltSummary({
    complied: 1000,
    impostor: 50,
    causes: { server_error: 60, battery_dead: 5, window_during_work: 4, prompt_missed: 2 },
    escalations: { total: 10, false: 9 },
    absconders: { total: 10, followed: 8, detected: 3 },
    burden: { officerMinutes: 480, excusedWindows: 7 },
  });
  const comparison = compareSummaries({ run: 'a', summary: a }, { run: 'b', summary: b });

  it('leads with the system false-failure rate, then device, schedule, person and all causes', () => {
    expect(comparison.figures.slice(0, 5).map((f) => [f.key, f.label])).toEqual([
      ['systemFalseFailureRate', 'false-failure rate, system (technology)'],
      ['deviceFalseFailureRate', 'false-failure rate, device (phone unusable)'],
      ['scheduleFalseFailureRate', 'false-failure rate, schedule (window placement)'],
      ['personFalseFailureRate', 'false-failure rate, person (did not answer)'],
      ['falseFailureRate', 'false-failure rate, all causes'],
    ]);
    expect(comparison.figures.some((f) => /glitch/i.test(f.label))).toBe(false);
  });

  it('gives each class its difference, interval and verdict: B fails more people by technology, fewer by not answering', () => {
    expect(figure(comparison, 'systemFalseFailureRate')).toMatchObject({ a: 1.5, b: 6, difference: expect.closeTo(4.5, 9), verdict: 'worse' });
    expect(figure(comparison, 'personFalseFailureRate')).toMatchObject({ a: 2.6, b: 0.2, verdict: 'better' });
    expect(figure(comparison, 'deviceFalseFailureRate')).toMatchObject({ a: 0.5, b: 0.5, difference: 0, verdict: 'within noise' });
    expect(figure(comparison, 'systemFalseFailureRate').interval!.low).toBeGreaterThan(0);
    // The class rates of each run add up to its all-cause rate.
    const classes = comparison.figures.slice(0, 4);
    expect(classes.reduce((sum, f) => sum + f.a!, 0)).toBeCloseTo(figure(comparison, 'falseFailureRate').a!, 9);
    expect(classes.reduce((sum, f) => sum + f.b!, 0)).toBeCloseTo(figure(comparison, 'falseFailureRate').b!, 9);
  });

  it('compares escalation precision (higher is better), officer minutes and excused windows', () => {
    expect(figure(comparison, 'escalationPrecision')).toMatchObject({ better: 'higher', a: 60, b: expect.closeTo(10, 9) });
    expect(figure(comparison, 'escalationPrecision').a).toBeCloseTo(100 * wilson(6, 10).value, 9);
    // Officer minutes: 240 and 480 over 100 participants × 2 days (6.67 participant-months).
    expect(figure(comparison, 'officerMinutes')).toMatchObject({ a: expect.closeTo(36, 9), b: expect.closeTo(72, 9), difference: expect.closeTo(36, 9), interval: null, verdict: 'not assessed' });
    expect(figure(comparison, 'excusedWindows')).toMatchObject({ better: 'lower', a: expect.closeTo(1050, 6), verdict: 'within noise' });
    expect(comparison.notes.join(' ')).toMatch(/Officer minutes .* no interval or verdict/);
  });

  it('prints the system row first in the table', () => {
    const rows = formatComparison(comparison)
      .split('\n')
      .filter((line) => line.startsWith('│') && !line.startsWith('│ figure'));
    expect(rows[0]).toMatch(/^│ false-failure rate, system \(technology\) \(lower is better\)\s*│ % of good-faith windows\s*│ 1\.500\s*│ 6\.000\s*│ \+4\.500\s*│ \+\d\.\d{3} … \+\d\.\d{3}\s*│ worse/);
    expect(rows[4]).toMatch(/^│ false-failure rate, all causes \(lower is better\)/);
  });

  it('has no data, not a rate of 0, where a run has nothing to divide by', () => {
    const empty = handBuiltSummary({ complied: 0, impostor: 0 });
    const none = compareSummaries({ run: 'a', summary: a }, { run: 'empty', summary: empty });
    for (const key of ['systemFalseFailureRate', 'personFalseFailureRate', 'falseFailureRate', 'falseAcceptRate', 'escalationPrecision']) {
      expect(figure(none, key), key).toMatchObject({ b: null, difference: null, interval: null, verdict: 'no data' });
    }
    expect(formatComparison(none)).toMatch(/false-failure rate, system \(technology\) \(lower is better\)\s*│ % of good-faith windows\s*│ 1\.500\s*│ —\s*│ —\s*│ —\s*│ no data/);
  });
});
