import { closest, distance } from 'fastest-levenshtein';
import { ScenarioError, loadScenario, type Scenario } from '../../scenarios/index.ts';
import { ScenarioSchema } from '../../scenarios/schema.ts';
import { SweepError } from './sweep-errors.ts';

/** A value a grid gives a field. */
export type GridValue = number | boolean | string;

/** One axis of a sweep: a scenario field and the values it takes, in the order given. */
export interface GridField {
  field: string;
  values: GridValue[];
}

/** One point of a sweep: a value for each grid field, and the scenario they make. */
export interface GridPoint {
  /** 0-based, in cartesian order (first field outermost). */
  index: number;
  values: Record<string, GridValue>;
  /** `field=value` pairs joined by spaces, for tables and charts. */
  label: string;
  scenario: Scenario;
}

type LeafKind = 'number' | 'integer' | 'boolean' | 'string';

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  enum?: unknown[];
}

/** Fields a grid may vary: every scalar of the schema but the scenario's name, description and sweep. */
const SWEEPABLE: ReadonlyMap<string, { kind: LeafKind; allowed?: readonly unknown[] }> = new Map(
  leaves(ScenarioSchema as unknown as SchemaNode, '').filter(([path]) => !['name', 'description'].includes(path) && !path.startsWith('sweep.')),
);

function leaves(node: SchemaNode, prefix: string): [string, { kind: LeafKind; allowed?: readonly unknown[] }][] {
  if (node.type === 'object' && node.properties) {
    return Object.entries(node.properties).flatMap(([key, child]) => leaves(child, prefix === '' ? key : `${prefix}.${key}`));
  }
  if (node.type === 'number' || node.type === 'integer' || node.type === 'boolean' || node.type === 'string') {
    return [[prefix, { kind: node.type, ...(node.enum ? { allowed: node.enum } : {}) }]];
  }
  return [];
}

/** Every field path a grid accepts, in schema order. */
export function sweepableFields(): string[] {
  return [...SWEEPABLE.keys()];
}

/** Parses one `--grid field=v1,v2,…` flag into its field and its values, typed by the schema. */
export function parseGridFlag(text: string): GridField {
  const match = /^\s*([^=\s]+)\s*=(.*)$/.exec(text);
  if (!match) throw new SweepError('SWP_ERR_GRID_SYNTAX', `expected field=value,value,… (e.g. policy.faceThreshold=0.3,0.35), got "${text}"`);
  const field = checkField(match[1]!);
  const raw = match[2]!.split(',').map((value) => value.trim());
  if (raw.some((value) => value === '')) throw new SweepError('SWP_ERR_GRID_SYNTAX', `expected a comma-separated list of values with none empty, got "${match[2]!}"`, { field });
  return { field, values: raw.map((value) => parseValue(field, value)) };
}

/** Checks a grid from a scenario file's `sweep.grid` (values already typed by YAML). */
export function gridFromScenario(grid: Readonly<Record<string, readonly GridValue[]>>): GridField[] {
  return Object.entries(grid).map(([field, values]) => {
    checkField(field);
    return { field, values: values.map((value) => checkValue(field, value)) };
  });
}

/**
 * The points of a grid (cartesian product, first field outermost), each validated as a whole
 * scenario: the base file, then `overrides` (CLI flags), then the point's values.
 */
export function gridPoints(file: string | undefined, overrides: Record<string, unknown>, fields: readonly GridField[]): GridPoint[] {
  const seen = new Set<string>();
  for (const { field } of fields) {
    if (seen.has(field)) throw new SweepError('SWP_ERR_GRID_FIELD', 'given twice; expected each field once, with all its values', { field });
    seen.add(field);
  }
  // Each value alone first, so that an error names the value rather than a whole point.
  for (const { field, values } of fields) for (const value of values) scenarioAt(file, { ...overrides, [field]: value }, `${field}=${String(value)}`);

  const combinations = fields.reduce<Record<string, GridValue>[]>(
    (points, { field, values }) => points.flatMap((point) => values.map((value) => ({ ...point, [field]: value }))),
    [{}],
  );
  return combinations.map((values, index) => {
    const label = Object.entries(values).map(([field, value]) => `${field}=${String(value)}`).join(' ');
    return { index, values, label, scenario: scenarioAt(file, { ...overrides, ...values }, label) };
  });
}

function scenarioAt(file: string | undefined, overrides: Record<string, unknown>, label: string): Scenario {
  try {
    return loadScenario({ file, overrides });
  } catch (error) {
    if (!(error instanceof ScenarioError) || error.code !== 'SCN_ERR_INVALID') throw error;
    const issue = error.issues[0]!;
    const field = Object.keys(overrides).find((key) => key === issue.path) ?? issue.path;
    throw new SweepError('SWP_ERR_GRID_VALUE', `${issue.message} (at grid point ${label})`, { field });
  }
}

function checkField(field: string): string {
  if (SWEEPABLE.has(field)) return field;
  const known = sweepableFields();
  const suggestion = closest(field, known);
  const near = distance(field, suggestion) <= Math.max(2, field.length / 4);
  const section = field.split('.')[0]!;
  const siblings = known.filter((path) => path.startsWith(`${section}.`));
  const expected = near
    ? `did you mean '${suggestion}'?`
    : siblings.length > 0
      ? `expected one of: ${siblings.join(', ')}`
      : `expected a dotted path to a number, boolean or text field, e.g. policy.faceThreshold (sections: ${[...new Set(known.map((path) => path.split('.')[0]!))].join(', ')})`;
  throw new SweepError('SWP_ERR_GRID_FIELD', `not a field a grid can vary; ${expected}`, { field });
}

function parseValue(field: string, text: string): GridValue {
  const { kind } = SWEEPABLE.get(field)!;
  if (kind === 'number' || kind === 'integer') {
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text)) throw new SweepError('SWP_ERR_GRID_VALUE', `expected ${kind === 'integer' ? 'an integer' : 'a number'}, got "${text}"`, { field });
    return checkValue(field, Number(text));
  }
  if (kind === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new SweepError('SWP_ERR_GRID_VALUE', `expected true or false, got "${text}"`, { field });
    return text === 'true';
  }
  return checkValue(field, text);
}

function checkValue(field: string, value: unknown): GridValue {
  const { kind, allowed } = SWEEPABLE.get(field)!;
  const ok =
    kind === 'integer' ? Number.isInteger(value) : kind === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === kind;
  if (!ok) {
    const expected = kind === 'integer' ? 'an integer' : kind === 'number' ? 'a number' : kind === 'boolean' ? 'true or false' : 'text';
    throw new SweepError('SWP_ERR_GRID_VALUE', `expected ${expected}, got ${JSON.stringify(value)}`, { field });
  }
  if (allowed && !allowed.includes(value)) throw new SweepError('SWP_ERR_GRID_VALUE', `expected one of: ${allowed.join(', ')}; got ${JSON.stringify(value)}`, { field });
  return value as GridValue;
}
