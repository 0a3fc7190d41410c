import { describe, expect, it } from 'vitest';
import { scenarioFailure, scenarioFolder } from '../helpers/scenario-files.ts';

/** What issue 5 adds to test/scenarios/scenario-loader.test.ts: exact positions, inherited errors, the new fields. */
const folder = scenarioFolder('loader-errors');
const write = (name: string, text: string) => folder.write(text, name);
const failure = scenarioFailure;

describe('scenario loader errors', () => {
  it('gives a YAML syntax error its exact line and column, in the message too', () => {
    const file = write('syntax.yaml', 'name: x\nseed: 1\npolicy:\n  graceMinutes: 15\nseed: 2\n');
    const error = failure(file);
    expect(error.code).toBe('SCN_ERR_YAML_SYNTAX');
    expect(error.issues[0]).toMatchObject({ line: 5, column: 1 });
    expect(error.issues[0]!.message).toMatch(/unique/);
    expect(error.message).toContain(`${file}:5:1`);
  });

  it('offers no "did you mean" for a key unlike any other, and lists the keys expected there', () => {
    const error = failure(write('far.yaml', 'policy:\n  zzz: 1\n'));
    expect(error.issues[0]!.message).not.toContain('did you mean');
    expect(error.issues[0]!.message).toMatch(/^unknown key 'zzz'; expected one of: windowMinutes, adHocWindowMinutes, graceMinutes/);
    expect(error.issues[0]).toMatchObject({ path: 'policy.zzz', line: 2 });
  });

  it('points an error inherited through extends at the parent file and line', () => {
    const parent = write('parent.yaml', 'name: parent\nglitches:\n  appCrash: 7\n');
    const child = write('child.yaml', 'extends: parent.yaml\nname: child\n');
    const error = failure(child);
    expect(error.code).toBe('SCN_ERR_INVALID');
    expect(error.issues[0]).toMatchObject({ path: 'glitches.appCrash', line: 3, column: 3 });
    expect(error.issues[0]!.message).toContain(`(from ${parent})`);
  });

  it('refuses an extends that is not a path', () => {
    const error = failure(write('extends-number.yaml', 'extends: 3\n'));
    expect(error.code).toBe('SCN_ERR_EXTENDS');
    expect(error.message).toContain('expected a path to another scenario file, got 3');
  });

  it.each([
    ['an enrolment share of 0', 'population:\n  enrolment:\n    initialShare: 0\n', 'population.enrolment.initialShare', /expected a number > 0/],
    ['an unknown growth curve', 'population:\n  enrolment:\n    curve: logistic\n', 'population.enrolment.curve', /expected one of: exponential, linear; got "logistic"/],
    ['a misspelt weekday', 'schedule:\n  checkInWeekday: munday\n', 'schedule.checkInWeekday', /expected one of: any, monday/],
    ['a negative glitch scale', 'glitches:\n  scale: -1\n', 'glitches.scale', /expected a number ≥ 0, got -1/],
    ['a sweep grid that is not lists', 'sweep:\n  grid:\n    policy.maxAttempts: 3\n', 'sweep.grid.policy.maxAttempts', /expected array/],
  ])('checks the fields issue 5 added: %s', (_case, text, path, message) => {
    const error = failure(write(`${path}.yaml`, text));
    expect(error.code).toBe('SCN_ERR_INVALID');
    expect(error.issues[0]!.path).toBe(path);
    expect(error.issues[0]!.message).toMatch(message);
  });
});
