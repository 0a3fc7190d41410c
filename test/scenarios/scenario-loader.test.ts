import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, loadScenario } from '../../scenarios/index.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const directory = tempDir('scenarios');
const write = (name: string, text: string) => {
  const file = join(directory, name);
  writeFileSync(file, text);
  return file;
};
const failure = (run: () => unknown): ScenarioError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError');
};

describe('scenario loader', () => {
  it('fills every default and freezes the result', () => {
    const scenario = loadScenario({ file: 'scenarios/baseline.yaml' });
    expect(scenario.name).toBe('baseline');
    expect(scenario.participants).toBe(125_000);
    expect(scenario.days).toBe(30);
    expect(scenario.policy.maxAttempts).toBe(3);
    expect(scenario.glitches.pushLost).toBe(0.03);
    expect(Object.isFrozen(scenario.policy)).toBe(true);
  });

  it('applies overrides on top of the file, and validates them', () => {
    expect(loadScenario({ file: 'scenarios/baseline.yaml', overrides: { participants: 10, 'glitches.pushLost': 0.5 } }).glitches.pushLost).toBe(0.5);
    const error = failure(() => loadScenario({ overrides: { participants: 0 } }));
    expect(error.issues[0]).toMatchObject({ path: 'participants', message: 'expected a number ≥ 1, got 0' });
  });

  it.each([
    ['a wrong type', 'participants: many\n', 'participants', /expected integer, got string "many"/, 1],
    ['a negative rate', 'glitches:\n  uploadTimeout: -0.2\n', 'glitches.uploadTimeout', /expected a number ≥ 0 \(a probability\), got -0.2/, 2],
    ['a probability above 1', 'behaviour:\n  promptMissed: 1.5\n', 'behaviour.promptMissed', /expected a number ≤ 1 \(a probability\), got 1.5/, 2],
    ['an unknown key, with a suggestion', 'glitches:\n  pushLots: 0.1\n', 'glitches.pushLots', /unknown key 'pushLots' \(did you mean 'pushLost'\?\)/, 2],
    ['an unknown phone model', 'shocks:\n  badReleases:\n    - { phoneModel: nokia-3310, startDay: 1 }\n', 'shocks.badReleases.0.phoneModel', /expected one of: moto-e13/, 3],
    ['inconsistent fields', 'population:\n  hearingDaysAhead: { min: 100, max: 50 }\n', 'population.hearingDaysAhead.min', /expected ≤ max \(50\), got 100/, 2],
  ])('names the field and the expectation for %s', (_case, text, path, message, line) => {
    const error = failure(() => loadScenario({ file: write(`${path}.yaml`, text) }));
    expect(error.code).toBe('SCN_ERR_INVALID');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.path).toBe(path);
    expect(error.issues[0]!.message).toMatch(message);
    expect(error.issues[0]!.line).toBe(line);
    expect(error.message).toContain(path);
  });

  it('reports every broken field at once', () => {
    const error = failure(() => loadScenario({ file: write('many.yaml', 'days: 0\nseed: -1\nglitches:\n  appCrash: 2\n') }));
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['days', 'glitches.appCrash', 'seed']);
  });

  it('reports a missing file', () => {
    const error = failure(() => loadScenario({ file: join(directory, 'absent.yaml') }));
    expect(error.code).toBe('SCN_ERR_FILE_NOT_FOUND');
    expect(error.message).toContain('absent.yaml');
  });

  it('reports a YAML syntax error with its line and column', () => {
    const error = failure(() => loadScenario({ file: write('syntax.yaml', 'name: x\nglitches:\n  pushLost: [0.1\n') }));
    expect(error.code).toBe('SCN_ERR_YAML_SYNTAX');
    expect(error.issues[0]!.line).toBeGreaterThanOrEqual(3);
    expect(error.issues[0]!.column).toBeGreaterThanOrEqual(1);
  });

  it('extends another scenario and overrides a few fields', () => {
    const child = write('child.yaml', `extends: ${join(process.cwd(), 'scenarios/baseline.yaml')}\nname: child\nglitches:\n  pushLost: 0.2\n`);
    const scenario = loadScenario({ file: child });
    expect(scenario.name).toBe('child');
    expect(scenario.participants).toBe(125_000);
    expect(scenario.glitches.pushLost).toBe(0.2);
    expect(scenario.glitches.pushLate).toBe(0.1);
  });

  it('refuses an extends that is missing or loops', () => {
    expect(failure(() => loadScenario({ file: write('orphan.yaml', 'extends: nowhere.yaml\n') })).code).toBe('SCN_ERR_EXTENDS');
    write('loop-a.yaml', 'extends: loop-b.yaml\n');
    const loop = failure(() => loadScenario({ file: write('loop-b.yaml', 'extends: loop-a.yaml\n') }));
    expect(loop.code).toBe('SCN_ERR_EXTENDS');
    expect(loop.message).toMatch(/loops/);
  });
});
