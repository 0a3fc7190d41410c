import type { ErrorObject } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';

/**
 * The one translation of an Ajv error into the field it concerns and what was expected there, for
 * scenario files (`policy.maxAttempts: expected a number ≥ 1, got 0`) and the server's options and
 * 400 answers (`body.participants[2].template: expected array`) alike.
 */

/** One schema violation: the field as its writer names it, and what was expected there. */
export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
}

export interface IssueStyle {
  /** What every path starts with: `body`, `query`, … for a request; '' for a file or an options object. */
  readonly root: string;
  /**
   * Whether a message repeats the value it refuses (`got 0.9`). The server's never do, for a body may
   * carry a personal record. Needs Ajv's `verbose`, which also lets a pattern be named by its description.
   */
  readonly echoValue: boolean;
  /**
   * The notation the writer uses, for naming fields and values as they would write them: in YAML
   * `groups.1.name` (as sweep grids name fields too), a mapping of fields and bare choices (app, phone);
   * in JSON and options objects `groups[1].name`, an object and quoted choices ("app").
   */
  readonly notation: 'yaml' | 'json';
  /** The schema validated against, when known: an unknown key is then told the keys its mapping takes and the nearest to it. */
  readonly schema?: object;
  /** Keys an earlier schema had, by path, with where their meaning went. */
  readonly retiredKeys?: Readonly<Record<string, string>>;
}

const BOUND_SYMBOL: Readonly<Record<string, string>> = { minimum: '≥', exclusiveMinimum: '>', maximum: '≤', exclusiveMaximum: '<' };

export function describeSchemaError(error: ErrorObject, style: IssueStyle): SchemaIssue {
  const path = formatPath(style, error.instancePath);
  const params = error.params as Record<string, unknown>;
  // After a list or a description, which may hold commas themselves, the value refused follows a semicolon.
  const got = (separator: ',' | ';') => (style.echoValue ? `${separator} got ${shown(error.data)}` : '');
  switch (error.keyword) {
    case 'required':
      return { path: appendKey(path, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return { path: appendKey(path, key), message: unknownKeyMessage(key, appendKey(path, key), error.schemaPath, style) };
    }
    case 'type': {
      if (typeof error.data === 'number' && !Number.isFinite(error.data)) return { path, message: `expected a finite ${String(params.type)}${got(',')}` };
      // YAML 1.2 reads yes/no/on/off as text, so a flag written that way arrives here as a string.
      const expected = params.type === 'boolean' ? 'boolean (true or false)' : params.type === 'object' ? (style.notation === 'yaml' ? 'a mapping of fields' : 'object') : String(params.type);
      return { path, message: `expected ${expected}${style.echoValue ? `, got ${typeName(error.data)}` : ''}` };
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const isProbability = (error.parentSchema?.description ?? '').includes('probability');
      return { path, message: `expected a number ${BOUND_SYMBOL[error.keyword]} ${String(params.limit)}${isProbability ? ' (a probability)' : ''}${got(',')}` };
    }
    case 'enum':
      return { path, message: `expected one of: ${(params.allowedValues as unknown[]).map((value) => (style.notation === 'yaml' ? String(value) : JSON.stringify(value))).join(', ')}${got(';')}` };
    case 'const':
      return { path, message: `expected ${JSON.stringify(params.allowedValue)}${got(',')}` };
    case 'minItems':
    case 'maxItems':
      return { path, message: `expected an array of ${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} items` };
    case 'minLength':
    case 'maxLength':
      return { path, message: `expected a string of ${error.keyword === 'minLength' ? 'at least' : 'at most'} ${String(params.limit)} characters${got(',')}` };
    case 'pattern':
      return { path, message: `expected ${error.parentSchema?.description ?? `a string matching ${String(params.pattern)}`}${got(';')}` };
    default:
      return { path, message: error.message ?? 'is invalid' };
  }
}

function unknownKeyMessage(key: string, path: string, schemaPath: string, style: IssueStyle): string {
  const known = style.schema === undefined ? [] : Object.keys(schemaAt(style.schema, schemaPath)?.properties ?? {});
  if (known.length === 0) return 'is not a known field; remove it';
  const retired = style.retiredKeys?.[path];
  const suggestion = closest(key, known);
  const hint = retired !== undefined ? ` (${retired})` : distance(key, suggestion) <= Math.max(2, key.length / 3) ? ` (did you mean '${suggestion}'?)` : '';
  return `unknown key '${key}'${hint}; expected one of: ${known.join(', ')}`;
}

/** The schema holding the keyword at `schemaPath` ('#/properties/population/additionalProperties'). */
function schemaAt(schema: object, schemaPath: string): { properties?: Record<string, unknown> } | undefined {
  let node: unknown = schema;
  for (const part of schemaPath.replace(/^#\//, '').split('/').slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[decodeURIComponent(part)];
  return node as { properties?: Record<string, unknown> } | undefined;
}

/** `/participants/2/template` under `body` → `body.participants[2].template` (JSON) or `body.participants.2.template` (YAML). */
function formatPath(style: IssueStyle, instancePath: string): string {
  if (instancePath === '') return style.root;
  let path = style.root;
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path = style.notation === 'json' && /^\d+$/.test(segment) ? `${path}[${segment}]` : appendKey(path, segment);
  }
  return path;
}

function appendKey(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${shown(value)}`;
}

/** A value as the file wrote it; JSON would show YAML's .nan and .inf as null. */
function shown(value: unknown): string {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
}
