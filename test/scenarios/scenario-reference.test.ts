import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_FILE, scenarioReference, scenarioSchemaJson } from '../../scenarios/write-reference.ts';
import { SCHEMA_JSON_FILE } from '../../scenarios/schema-json-file.ts';
import { sweepableFields } from '../../sim/sweep/grid.ts';

describe('docs/scenarios.md, the field reference', () => {
  const text = readFileSync(REFERENCE_FILE, 'utf8');

  it('is what the schema generates (run `node --import tsx scenarios/write-reference.ts` after changing the schema)', () => {
    expect(text).toBe(scenarioReference());
  });

  it('documents every field a sweep can vary, with its default', () => {
    for (const field of sweepableFields()) expect(text, field).toMatch(new RegExp(`\\| \`${field.replaceAll('.', '\\.')}\` \\| [^|]+ \\| \`[^|]+\` \\| .{10,}`));
  });
});

describe('scenarios/scenario.schema.json, the schema runs validate against', () => {
  it('is what the schema generates (run `node --import tsx scenarios/write-reference.ts` after changing the schema)', () => {
    expect(readFileSync(SCHEMA_JSON_FILE, 'utf8')).toBe(scenarioSchemaJson());
  });
});
