import { describe, expect, it } from 'vitest';
import { jsonCache } from '../../../scenarios/common/json-cache.ts';
import { loadScenario } from '../../../scenarios/index.ts';
import { validationCache } from '../../../scenarios/validate.ts';
import { scenarioFailure, scenarioFolder } from '../../helpers/scenario-files.ts';

const folder = scenarioFolder('json-cache');
let made = 0;
const unique = (label: string) => `${label}-${process.pid}-${Date.now()}-${made++}`;

describe('JSON cache of pure results', () => {
  it('gives back the value written for the same inputs, and none for other inputs or another kind', () => {
    const inputs = unique('inputs');
    const value = { name: 'cached', list: [1, 0.5, 'a', true, null], nested: { x: -3 } };
    expect(jsonCache('test', inputs).read()).toBeUndefined();
    jsonCache('test', inputs).write(value);
    expect(jsonCache('test', inputs).read()).toEqual(value);
    expect(jsonCache('test', `${inputs}\n`).read()).toBeUndefined();
    expect(jsonCache('other', inputs).read()).toBeUndefined();
  });

  it('keeps no value that JSON would not give back equal (infinities, NaN, −0, maps)', () => {
    for (const value of [Infinity, Number.NaN, -0, new Map([['a', 1]])]) {
      const inputs = unique('inexact');
      jsonCache('test', inputs).write({ field: [value] });
      expect(jsonCache('test', inputs).read(), String(value)).toBeUndefined();
    }
  });
});

describe('scenario loading from the cache', () => {
  it('loads a scenario the same, frozen, from its cached data and validation', () => {
    const file = folder.write(`name: ${unique('twice')}\nparticipants: 321\npolicy:\n  graceMinutes: 20\n`);
    const first = loadScenario({ file });
    const second = loadScenario({ file });
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(second.participants).toBe(321);
    expect(Object.isFrozen(second.policy)).toBe(true);
  });

  it('places the issues of a file parsed before by line and column, as the first time', () => {
    const invalid = folder.write(`name: ${unique('invalid')}\nglitches:\n  appCrash: 7\n`);
    const before = scenarioFailure(invalid);
    const after = scenarioFailure(invalid);
    expect(after.issues).toEqual(before.issues);
    expect(after.issues[0]).toMatchObject({ path: 'glitches.appCrash', line: 3, column: 3 });
  });

  it('applies the cross-field rules, which are code, to a validated scenario read from the cache', () => {
    const name = unique('swapped');
    const candidate = { name, schedule: { checkInHourLocal: { earliest: 21, latest: 20 } } };
    // As a cache written before a cross-field rule was added would hold it: valid field by field.
    const cached = structuredClone(loadScenario({ overrides: { name } })) as unknown as Record<string, Record<string, unknown>>;
    cached.schedule!.checkInHourLocal = { earliest: 21, latest: 20 };
    validationCache(candidate)!.write(cached);
    const file = folder.write(`name: ${name}\nschedule:\n  checkInHourLocal:\n    earliest: 21\n    latest: 20\n`);
    expect(scenarioFailure(file).issues[0]).toMatchObject({ path: 'schedule.checkInHourLocal.earliest', line: 4 });
  });
});
