import { Ajv } from 'ajv';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { section } from '../../../scenarios/common/schema-section.ts';

describe('section', () => {
  const schema = Type.Object({ http: section('HTTP settings', { port: Type.Integer({ default: 8080 }) }) }, { additionalProperties: false });
  const validate = new Ajv({ useDefaults: true, strict: true }).compile(schema);

  it('is an object of its own fields, described, defaulting to {}', () => {
    expect(schema.properties.http).toMatchObject({ type: 'object', description: 'HTTP settings', additionalProperties: false, default: {} });
  });

  it('may be left out, and its fields then take their defaults', () => {
    const options: unknown = {};
    expect(validate(options)).toBe(true);
    expect(options).toEqual({ http: { port: 8080 } });
  });

  it('refuses fields it does not name', () => {
    expect(validate({ http: { port: 1, host: 'x' } })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'host' } });
  });
});
