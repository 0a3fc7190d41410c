import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/index.ts';
import { gridFromScenario, gridPoints } from '../../sim/sweep/grid.ts';
import { summarise } from '../helpers/run.ts';

const BUILT_IN = ['baseline', 'growth', 'monday-surge', 'backend-outage', 'bad-release', 'glitch-sweep', 'threshold-sweep', 'policy-compare', 'ignore-shifts'];
const SWEEPS = ['glitch-sweep', 'threshold-sweep', 'policy-compare'];
const file = (name: string) => `scenarios/${name}.yaml`;

describe('built-in scenarios', () => {
  it('are exactly the ones the issue lists', () => {
    expect(readdirSync('scenarios').filter((name) => name.endsWith('.yaml')).sort()).toEqual(BUILT_IN.map((name) => `${name}.yaml`).sort());
  });

  it.each(BUILT_IN)('%s opens with a comment saying what question it answers, and loads', (name) => {
    const text = readFileSync(file(name), 'utf8');
    expect(text.split('\n')[0]).toMatch(new RegExp(`^# ${name}: `));
    const header = text.split('\n').filter((line) => line.startsWith('#')).join(' ');
    expect(header.length).toBeGreaterThan(60);
    const scenario = loadScenario({ file: file(name) });
    expect(scenario.name).toBe(name);
    expect(scenario.description.length).toBeGreaterThan(20);
  });

  it('baseline keeps its values: 125,000 participants × 30 days, seed 42, everything else default', () => {
    const baseline = loadScenario({ file: file('baseline') });
    expect({ participants: baseline.participants, days: baseline.days, seed: baseline.seed }).toEqual({ participants: 125_000, days: 30, seed: 42 });
    const defaults = loadScenario({ overrides: { name: 'baseline', description: baseline.description, participants: 125_000, days: 30 } });
    expect(baseline).toEqual(defaults);
  });

  it('ignore-shifts is the baseline with schedule.respectWakingHours false, and nothing else changed', () => {
    const baseline = loadScenario({ file: file('baseline') });
    const ignoreShifts = loadScenario({ file: file('ignore-shifts') });
    expect(baseline.schedule.respectWakingHours).toBe(true);
    expect(ignoreShifts.schedule.respectWakingHours).toBe(false);
    const rest = ({ name: _name, description: _description, schedule: { respectWakingHours: _respect, ...schedule }, ...scenario }: typeof baseline) => ({ ...scenario, schedule });
    expect(rest(ignoreShifts)).toEqual(rest(baseline));
  });

  it.each(SWEEPS)('%s has a sweep grid whose every point is a valid scenario', (name) => {
    const scenario = loadScenario({ file: file(name) });
    const grid = gridFromScenario(scenario.sweep.grid);
    expect(grid.length).toBeGreaterThan(0);
    const points = gridPoints(file(name), { participants: 10 }, grid);
    expect(points).toHaveLength(grid.reduce((product, field) => product * field.values.length, 1));
  });

  it.each(BUILT_IN)('%s runs at a small size', async (name) => {
    const scenario = loadScenario({ file: file(name), overrides: { participants: 300, days: Math.min(loadScenario({ file: file(name) }).days, 14) } });
    const summary = await summarise(scenario);
    expect(summary.scenario).toBe(name);
    expect(summary.windows.total).toBeGreaterThan(0);
    expect(summary.verdicts.verified + summary.verdicts.rejected + summary.verdicts.missed).toBe(summary.windows.total);
  });
});
