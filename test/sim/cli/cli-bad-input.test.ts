import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const directory = tempDir('bad-input');
const scenarioFile = (name: string, text: string) => {
  const file = join(directory, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
};

describe('bad input to the run command', () => {
  it.each([
    ['a wrong type', scenarioFile('type', 'days: "thirty"\n'), ['SCN_ERR_INVALID', 'days: expected integer, got string "thirty"']],
    ['a negative rate', scenarioFile('negative', 'glitches:\n  pushLost: -0.1\n'), ['glitches.pushLost: expected a number ≥ 0 (a probability), got -0.1']],
    ['a probability above 1', scenarioFile('above', 'behaviour:\n  impostorPerWindow: 3\n'), ['behaviour.impostorPerWindow: expected a number ≤ 1 (a probability), got 3']],
    ['an unknown key', scenarioFile('unknown', 'participans: 10\n'), ["participans: unknown key 'participans' (did you mean 'participants'?)"]],
    ['a missing file', join(directory, 'missing.yaml'), ['SCN_ERR_FILE_NOT_FOUND', 'missing.yaml']],
  ])('%s: one clear error naming the field, exit code 2', async (_case, file, expected) => {
    const result = await runCliInProcess(['run', file, '--participants', '10', '--out', join(directory, 'out')]);
    expect(result.status).toBe(2);
    for (const text of expected) expect(result.stderr).toContain(text);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it.each([
    [['--participants', 'lots'], "CLI_ERR_INVALID_FLAG: option '--participants <n>' argument 'lots' is invalid. expected an integer ≥ 1"],
    [['--workers', '0'], "CLI_ERR_INVALID_FLAG: option '--workers <n>' argument '0' is invalid. expected an integer ≥ 1"],
    [['--bogus'], "CLI_ERR_USAGE: unknown option '--bogus'"],
  ])('refuses flags %j with exit code 2', async (flags, message) => {
    const result = await runCliInProcess(['run', ...flags]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('a refusal ends the process started as a user starts it with exit code 2, the error on stderr and nothing on stdout', () => {
    const result = runCli(['run', scenarioFile('spawned', 'days: 0\n'), '--out', join(directory, 'out')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^SCN_ERR_INVALID: /);
    expect(result.stderr).toContain('spawned.yaml:1:1 days: expected a number ≥ 1, got 0');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
