import { describe, expect, it } from 'vitest';
import { yamlDataCache } from '../../../scenarios/common/cached-yaml.ts';
import { loadScenario } from '../../../scenarios/index.ts';
import { scenarioFailure, scenarioFolder } from '../../helpers/scenario-files.ts';

const folder = scenarioFolder('cached-yaml');

describe('cached YAML data', () => {
  it('gives back the data written for the same text and options, and none for another text or other options', () => {
    const text = `name: cached-${process.pid}-${Date.now()}\n`;
    const options = { uniqueKeys: true };
    expect(yamlDataCache(text, options).read()).toBeUndefined();
    yamlDataCache(text, options).write({ name: 'cached', list: [1, 0.5, 'a', true, null], nested: { x: -3 } });
    expect(yamlDataCache(text, options).read()).toEqual({ name: 'cached', list: [1, 0.5, 'a', true, null], nested: { x: -3 } });
    expect(yamlDataCache(`${text}\n`, options).read()).toBeUndefined();
    expect(yamlDataCache(text, { uniqueKeys: false }).read()).toBeUndefined();
  });

  it('keeps no data that JSON would not give back equal (infinities, NaN, −0, maps)', () => {
    const values = [Infinity, Number.NaN, -0, new Map([['a', 1]])];
    values.forEach((value, index) => {
      const text = `inexact-${index}-${process.pid}-${Date.now()}`;
      yamlDataCache(text, {}).write({ field: [value] });
      expect(yamlDataCache(text, {}).read(), String(value)).toBeUndefined();
    });
  });

  it('loads a scenario the same from its cached data, and still places its issues by line and column', () => {
    const valid = folder.write('name: twice\nparticipants: 321\npolicy:\n  graceMinutes: 20\n');
    const first = loadScenario({ file: valid });
    expect(loadScenario({ file: valid })).toEqual(first);
    expect(first.participants).toBe(321);

    const invalid = folder.write('name: twice-invalid\nglitches:\n  appCrash: 7\n');
    const before = scenarioFailure(invalid);
    const after = scenarioFailure(invalid);
    expect(after.issues).toEqual(before.issues);
    expect(after.issues[0]).toMatchObject({ path: 'glitches.appCrash', line: 3, column: 3 });
  });
});
