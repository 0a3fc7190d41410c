import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gridFromScenario, gridPoints, parseGridFlag, sweepableFields } from '../../../sim/sweep/grid.ts';
import { SweepError } from '../../../sim/sweep/sweep-errors.ts';
import { planSweep } from '../../../sim/sweep/sweep.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const gridFiles = tempDir('grid');

const failure = (run: () => unknown): SweepError => {
  try {
    run();
  } catch (error) {
    if (error instanceof SweepError) return error;
    throw error;
  }
  throw new Error('expected a SweepError');
};

describe('sweep grid', () => {
  it('types values by the schema: numbers, integers, booleans, text', () => {
    expect(parseGridFlag('policy.faceThreshold=0.3, .35,1e-1')).toEqual({ field: 'policy.faceThreshold', values: [0.3, 0.35, 0.1] });
    expect(parseGridFlag('policy.maxAttempts=1,2,3').values).toEqual([1, 2, 3]);
    expect(parseGridFlag('policy.inPersonVisitClearsStreak=true,false').values).toEqual([true, false]);
    expect(parseGridFlag('schedule.checkInWeekday=monday,any').values).toEqual(['monday', 'any']);
  });

  it.each([
    ['no =', 'policy.faceThreshold', 'SWP_ERR_GRID_SYNTAX', /expected field=value,value/],
    ['an empty value', 'policy.faceThreshold=0.3,,0.4', 'SWP_ERR_GRID_SYNTAX', /none empty/],
    ['a misspelt field', 'policy.faceTreshold=0.3', 'SWP_ERR_GRID_FIELD', /did you mean 'policy\.faceThreshold'\?/],
    ['a section, not a field', 'policy=1', 'SWP_ERR_GRID_FIELD', /expected one of: policy\.windowMinutes/],
    ['a list field', 'shocks.badReleases=1', 'SWP_ERR_GRID_FIELD', /not a field a grid can vary/],
    ['text for a number', 'policy.faceThreshold=high', 'SWP_ERR_GRID_VALUE', /expected a number, got "high"/],
    ['a fraction for an integer', 'policy.maxAttempts=2.5', 'SWP_ERR_GRID_VALUE', /expected an integer, got 2.5/],
    ['yes for a boolean', 'policy.inPersonVisitClearsStreak=yes', 'SWP_ERR_GRID_VALUE', /expected true or false, got "yes"/],
    ['an unknown choice', 'schedule.checkInWeekday=funday', 'SWP_ERR_GRID_VALUE', /expected one of: any, monday/],
  ])('refuses %s with a code, the field and what was expected', (_case, flag, code, message) => {
    const error = failure(() => parseGridFlag(flag));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${code}: `)).toBe(true);
  });

  it('checks values against the schema, naming the grid point', () => {
    const error = failure(() => gridPoints(undefined, {}, [parseGridFlag('policy.faceThreshold=0.3,1.5')]));
    expect(error.code).toBe('SWP_ERR_GRID_VALUE');
    expect(error.message).toBe('SWP_ERR_GRID_VALUE: policy.faceThreshold: expected a number ≤ 1, got 1.5 (at grid point policy.faceThreshold=1.5)');
  });

  it('refuses a field given twice', () => {
    const error = failure(() => gridPoints(undefined, {}, [parseGridFlag('policy.maxAttempts=1'), parseGridFlag('policy.maxAttempts=2')]));
    expect(error.code).toBe('SWP_ERR_GRID_FIELD');
  });

  it('runs the cartesian product, first field outermost, every point a validated scenario', () => {
    const points = gridPoints(undefined, { participants: 50 }, [parseGridFlag('policy.graceMinutes=0,60'), parseGridFlag('policy.escalateAfterFailedWindows=1,2,3')]);
    expect(points.map((point) => point.label)).toEqual([
      'policy.graceMinutes=0 policy.escalateAfterFailedWindows=1',
      'policy.graceMinutes=0 policy.escalateAfterFailedWindows=2',
      'policy.graceMinutes=0 policy.escalateAfterFailedWindows=3',
      'policy.graceMinutes=60 policy.escalateAfterFailedWindows=1',
      'policy.graceMinutes=60 policy.escalateAfterFailedWindows=2',
      'policy.graceMinutes=60 policy.escalateAfterFailedWindows=3',
    ]);
    expect(points[4]!.scenario.policy).toMatchObject({ graceMinutes: 60, escalateAfterFailedWindows: 2 });
    expect(points[4]!.scenario.participants).toBe(50);
    expect(Object.isFrozen(points[4]!.scenario)).toBe(true);
  });

  it("uses the scenario's own grid without --grid, and says so when there is none", () => {
    expect(planSweep('scenarios/glitch-sweep.yaml', {}, []).grid).toEqual([{ field: 'glitches.scale', values: [0.25, 0.5, 1, 2, 4] }]);
    expect(planSweep('scenarios/glitch-sweep.yaml', {}, ['policy.maxAttempts=1,2']).grid).toEqual([{ field: 'policy.maxAttempts', values: [1, 2] }]);
    expect(failure(() => planSweep('scenarios/baseline.yaml', {}, [])).code).toBe('SWP_ERR_NO_GRID');
  });

  it("checks a scenario file's sweep.grid like a flag's", () => {
    const directory = gridFiles;
    const file = join(directory, 'bad-grid.yaml');
    writeFileSync(file, 'sweep:\n  grid:\n    policy.maxAttempts: [1, "two"]\n');
    const error = failure(() => planSweep(file, {}, []));
    expect(error.code).toBe('SWP_ERR_GRID_VALUE');
    expect(error.message).toContain('policy.maxAttempts: expected an integer, got "two"');
    expect(() => gridFromScenario({ 'glitches.pushLots': [0.1] })).toThrow(/did you mean 'glitches\.pushLost'/);
  });

  it('offers every scalar field of the schema but name, description and the sweep itself', () => {
    const fields = sweepableFields();
    expect(fields).toContain('glitches.scale');
    expect(fields).toContain('population.enrolment.initialShare');
    expect(fields).toContain('seed');
    expect(fields).not.toContain('name');
    expect(fields.some((field) => field.startsWith('sweep'))).toBe(false);
  });
});
