import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ScenarioError, loadScenario } from '../../scenarios/index.ts';

/** A temporary folder for a test file's scenario files, removed after its tests. */
export function scenarioFolder(prefix: string) {
  const directory = mkdtempSync(join(tmpdir(), `checkin-sim-${prefix}-`));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  let files = 0;
  return {
    directory,
    /** Writes `text` to a file of the folder, named `name` or numbered; returns its path. */
    write(text: string, name = `scenario-${files++}.yaml`): string {
      const file = join(directory, name);
      writeFileSync(file, text);
      return file;
    },
  };
}

/** The ScenarioError loading `file` throws; fails the test when it loads or throws something else. */
export function scenarioFailure(file: string): ScenarioError {
  try {
    loadScenario({ file });
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error(`expected a ScenarioError from ${file}`);
}
