import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { describeSchemaError, type IssueStyle, type SchemaIssue } from '../../../scenarios/common/schema-issues.ts';

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rate: { type: 'number', minimum: 0, maximum: 1, description: 'a probability per day' },
    count: { type: 'integer', exclusiveMinimum: 0 },
    flag: { type: 'boolean' },
    mode: { enum: ['app', 'phone'] },
    version: { const: 2 },
    code: { type: 'string', pattern: '^[A-Z]{3}$', description: 'three capital letters' },
    name: { type: 'string', minLength: 1, maxLength: 4 },
    groups: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', additionalProperties: false, required: ['share'], properties: { share: { type: 'number' }, label: { type: 'string' } } },
    },
  },
};

const FILE: IssueStyle = { root: '', echoValue: true, notation: 'yaml', schema: SCHEMA, retiredKeys: { colour: 'removed; see mode' } };
const REQUEST: IssueStyle = { root: 'body', echoValue: false, notation: 'json' };

/** The first issue `candidate` raises, as each style words it (files are validated verbosely, requests not). */
function issuesFor(candidate: unknown): { file: SchemaIssue; request: SchemaIssue } {
  const verbose = new Ajv({ verbose: true, strict: true }).compile(SCHEMA);
  const terse = new Ajv({ strict: true }).compile(SCHEMA);
  expect(verbose(structuredClone(candidate))).toBe(false);
  expect(terse(structuredClone(candidate))).toBe(false);
  return { file: describeSchemaError(verbose.errors![0]!, FILE), request: describeSchemaError(terse.errors![0]!, REQUEST) };
}

describe('describeSchemaError', () => {
  it.each([
    ['a bound on a probability', { rate: 1.5 }, { path: 'rate', message: 'expected a number ≤ 1 (a probability), got 1.5' }, { path: 'body.rate', message: 'expected a number ≤ 1' }],
    ['an exclusive bound', { count: 0 }, { path: 'count', message: 'expected a number > 0, got 0' }, { path: 'body.count', message: 'expected a number > 0' }],
    ['a wrong type', { count: 'many' }, { path: 'count', message: 'expected integer, got string "many"' }, { path: 'body.count', message: 'expected integer' }],
    ['a flag written as text', { flag: 'yes' }, { path: 'flag', message: 'expected boolean (true or false), got string "yes"' }, { path: 'body.flag', message: 'expected boolean (true or false)' }],
    ['a number for a mapping', { groups: [3] }, { path: 'groups.0', message: 'expected a mapping of fields, got number 3' }, { path: 'body.groups[0]', message: 'expected object' }],
    ['a value outside an enum', { mode: 'fax' }, { path: 'mode', message: 'expected one of: app, phone; got "fax"' }, { path: 'body.mode', message: 'expected one of: "app", "phone"' }],
    ['a value other than a constant', { version: 1 }, { path: 'version', message: 'expected 2, got 1' }, { path: 'body.version', message: 'expected 2' }],
    ['a pattern, by its description when known', { code: 'ab' }, { path: 'code', message: 'expected three capital letters; got "ab"' }, { path: 'body.code', message: 'expected a string matching ^[A-Z]{3}$' }],
    ['a string too long', { name: 'Ana María' }, { path: 'name', message: 'expected a string of at most 4 characters, got "Ana María"' }, { path: 'body.name', message: 'expected a string of at most 4 characters' }],
    ['an empty list', { groups: [] }, { path: 'groups', message: 'expected an array of at least 1 items' }, { path: 'body.groups', message: 'expected an array of at least 1 items' }],
    ['a missing field in a list', { groups: [{ share: 1 }, {}] }, { path: 'groups.1.share', message: 'is required' }, { path: 'body.groups[1].share', message: 'is required' }],
  ])('%s: the file repeats the value, the request never does', (_, candidate, file, request) => {
    expect(issuesFor(candidate)).toEqual({ file, request });
  });

  it('an unknown key: the keys its mapping takes and the nearest, when the schema is known; otherwise to remove it', () => {
    expect(issuesFor({ groups: [{ share: 1, lable: 'x' }] })).toEqual({
      file: { path: 'groups.0.lable', message: "unknown key 'lable' (did you mean 'label'?); expected one of: share, label" },
      request: { path: 'body.groups[0].lable', message: 'is not a known field; remove it' },
    });
    expect(issuesFor({ zzzzzz: 1 }).file.message).toBe('unknown key \'zzzzzz\'; expected one of: rate, count, flag, mode, version, code, name, groups');
  });

  it('an unknown key that an earlier schema had says where its meaning went', () => {
    expect(issuesFor({ colour: 'red' }).file.message).toBe("unknown key 'colour' (removed; see mode); expected one of: rate, count, flag, mode, version, code, name, groups");
  });

  it('a non-finite number is named as the file wrote it', () => {
    const validate = new Ajv({ verbose: true, strict: true }).compile({ type: 'object', properties: { rate: { type: 'number' } } });
    expect(validate({ rate: Number.POSITIVE_INFINITY })).toBe(false);
    expect(describeSchemaError(validate.errors![0]!, FILE)).toEqual({ path: 'rate', message: 'expected a finite number, got Infinity' });
  });

  it('names the whole document by the root alone, and keeps a key holding a slash whole', () => {
    expect(issuesFor([]).request).toEqual({ path: 'body', message: 'expected object' });
    const validate = new Ajv({ strict: true }).compile({ type: 'object', properties: { 'a/b': { type: 'number' } } });
    validate({ 'a/b': 'x' });
    expect(describeSchemaError(validate.errors![0]!, { ...REQUEST, root: '' })).toEqual({ path: 'a/b', message: 'expected number' });
  });
});
