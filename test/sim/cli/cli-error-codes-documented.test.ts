import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENARIO_ERRORS } from '../../../scenarios/index.ts';
import { CLI_ERRORS } from '../../../sim/cli/cli-errors.ts';
import { SWEEP_ERRORS } from '../../../sim/sweep/sweep-errors.ts';
import { COMPARE_ERRORS } from '../../../sim/compare/compare-errors.ts';
import { DRIVE_ERRORS } from '../../../sim/backends/drive-errors.ts';
import { K6_EXPORT_ERRORS } from '../../../sim/load-export/k6-export-errors.ts';

const errorsPage = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map(
  [...errorsPage.matchAll(/^\| `((?:SCN|CLI|SWP|CMP|DRV|K6X)_ERR_[A-Z_]+)` \| (.+) \|$/gm)].map((match) => [match[1]!, match[2]!]),
);

describe('error codes', () => {
  const codes = { ...SCENARIO_ERRORS, ...CLI_ERRORS, ...SWEEP_ERRORS, ...COMPARE_ERRORS, ...DRIVE_ERRORS, ...K6_EXPORT_ERRORS };

  it('are each documented in docs/errors.md with their meaning', () => {
    for (const [code, meaning] of Object.entries(codes)) expect(documented.get(code), code).toBe(meaning);
  });

  it('are all real: docs/errors.md documents no code that does not exist', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(codes).sort());
  });
});
