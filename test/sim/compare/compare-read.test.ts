import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompareError } from '../../../sim/compare/compare-errors.ts';
import { readSummary } from '../../../sim/compare/read-summary.ts';
import { mixedSummary } from '../report/summary-fixture.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const root = tempDir('compare-read');
const write = (name: string, text: string) => {
  const file = join(root, name);
  writeFileSync(file, text);
  return file;
};
const failure = (run: string): CompareError => {
  try {
    readSummary(run);
  } catch (error) {
    if (error instanceof CompareError) return error;
    throw error;
  }
  throw new Error('expected a CompareError');
};

describe('reading a run to compare', () => {
  it.each([
    ['nothing at the path', () => join(root, 'absent'), 'CMP_ERR_NOT_FOUND', /nothing is there/],
    ['a folder without summary.json', () => (mkdirSync(join(root, 'empty'), { recursive: true }), join(root, 'empty')), 'CMP_ERR_NOT_FOUND', /expected a readable .*summary\.json \(ENOENT\)/],
    ['a file that is not JSON', () => write('broken.json', '{ not json'), 'CMP_ERR_NOT_A_SUMMARY', /expected JSON in/],
    ['JSON that is not a summary', () => write('other.json', '{"scenario": "x", "windows": {}}'), 'CMP_ERR_NOT_A_SUMMARY', /lacks seed, mode, participants, .*windows\.complied/],
    [
      'a summary from before the cause classes',
      () => {
        const { byClass: _byClass, ...falseFailures } = mixedSummary().falseFailures;
        return write('old.json', JSON.stringify({ ...mixedSummary(), falseFailures }));
      },
      'CMP_ERR_NOT_A_SUMMARY',
      /lacks falseFailures\.byClass\.system\.total, falseFailures\.byClass\.device\.total, .*person\.total$/,
    ],
  ])('refuses %s with a code naming the run', (_case, path, code, message) => {
    const run = path();
    const error = failure(run);
    expect(error.code).toBe(code);
    expect(error.field).toBe(run);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${code}: ${run}: `)).toBe(true);
  });
});
