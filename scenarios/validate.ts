import { Ajv, type ErrorObject } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { ScenarioSchema, type Scenario } from './schema.ts';
import type { ScenarioIssue } from './errors.ts';
import { deepFreeze } from './common/deep-freeze.ts';

// Without codegen optimisation: it cost a run's start-up ~0.1 s to save microseconds on a validation made once.
const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true, code: { optimize: false } });
const validateScenario = ajv.compile(ScenarioSchema);

export type ValidationResult = { ok: true; scenario: Scenario } | { ok: false; issues: ScenarioIssue[] };

/**
 * Fields a scenario file may still name from an earlier schema, with where their meaning went: refused
 * as unknown keys like any other, but saying what to write instead.
 */
const RETIRED_FIELDS: Readonly<Record<string, string>> = {
  'glitches.phoneUnavailable': "renamed 'noService'; a phone that is off, out of credit or lost is now a spell under devices",
  'glitches.callNoAnswer': 'removed; a call-back the person does not answer is officers.callBackNoAnswer',
};

/**
 * Validates a parsed scenario in place, filling every default, and names each field that is wrong:
 * every schema issue, and every cross-field issue whose fields are themselves valid, in one list.
 */
export function validateScenarioObject(candidate: unknown): ValidationResult {
  const schemaIssues = validateScenario(candidate) ? [] : dedupe((validateScenario.errors ?? []).map(describeError));
  const issues = [...schemaIssues, ...crossFieldIssues(candidate, schemaIssues)];
  return issues.length > 0 ? { ok: false, issues } : { ok: true, scenario: deepFreeze(candidate as Scenario) };
}

/**
 * Rules that involve more than one field, which the schema cannot say. Each is checked only when its
 * fields are there with the right types and no schema issue of their own, so that it can run beside
 * the schema's issues (the defaults are filled in even when validation fails) and adds none twice.
 */
function crossFieldIssues(candidate: unknown, schemaIssues: readonly ScenarioIssue[]): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const clean = (path: string) => !schemaIssues.some((issue) => issue.path === path || issue.path.startsWith(`${path}.`) || path.startsWith(`${issue.path}.`));
  const numberAt = (path: string): number | undefined => {
    const value = valueAt(candidate, path);
    return typeof value === 'number' && clean(path) ? value : undefined;
  };
  for (const name of ['modality', 'deviceTier', 'connectivity', 'workShift']) {
    const path = `population.${name}`;
    const shares = valueAt(candidate, path);
    if (!isRecord(shares) || !clean(path)) continue;
    if (Object.values(shares).every((share) => share === 0)) issues.push({ path, message: 'expected at least one weight > 0, got all 0' });
  }
  const ordered = (lowPath: string, highPath: string, highName: string) => {
    const low = numberAt(lowPath);
    const high = numberAt(highPath);
    if (low !== undefined && high !== undefined && low > high) issues.push({ path: lowPath, message: `expected ≤ ${highName} (${high}), got ${low}` });
  };
  const groups = valueAt(candidate, 'verification.groups');
  if (Array.isArray(groups) && clean('verification.groups')) {
    const names = groups.map((group: unknown) => (isRecord(group) ? group.name : undefined));
    names.forEach((name, index) => {
      if (typeof name === 'string' && names.indexOf(name) < index) issues.push({ path: `verification.groups.${index}.name`, message: `expected a name no other group has, got ${JSON.stringify(name)} again` });
    });
  }
  ordered('population.hearingDaysAhead.min', 'population.hearingDaysAhead.max', 'max');
  ordered('schedule.checkInHourLocal.earliest', 'schedule.checkInHourLocal.latest', 'latest');
  return issues;
}

function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) node = isRecord(node) ? node[key] : undefined;
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describeError(error: ErrorObject): ScenarioIssue {
  const path = error.instancePath.slice(1).replaceAll('/', '.');
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(schemaAt(error.schemaPath)?.properties ?? {});
      const retired = RETIRED_FIELDS[join(path, key)];
      const suggestion = known.length > 0 ? closest(key, known) : undefined;
      const hint =
        retired !== undefined
          ? ` (${retired})`
          : suggestion !== undefined && distance(key, suggestion) <= Math.max(2, key.length / 3)
            ? ` (did you mean '${suggestion}'?)`
            : '';
      return { path: join(path, key), message: `unknown key '${key}'${hint}; expected one of: ${known.join(', ')}` };
    }
    case 'type': {
      // YAML 1.2 reads yes/no/on/off as text, so a flag written that way arrives here as a string.
      if (typeof error.data === 'number' && !Number.isFinite(error.data)) return { path, message: `expected a finite ${String(params.type)}, got ${shown(error.data)}` };
      const expected = params.type === 'boolean' ? 'boolean (true or false)' : params.type === 'object' ? 'a mapping of fields' : String(params.type);
      return { path, message: `expected ${expected}, got ${typeName(error.data)}` };
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const bound = { minimum: '≥', exclusiveMinimum: '>', maximum: '≤', exclusiveMaximum: '<' }[error.keyword];
      const isProbability = (error.parentSchema?.description ?? '').includes('probability');
      return { path, message: `expected a number ${bound} ${String(params.limit)}${isProbability ? ' (a probability)' : ''}, got ${shown(error.data)}` };
    }
    case 'enum':
      return { path, message: `expected one of: ${(params.allowedValues as unknown[]).join(', ')}; got ${JSON.stringify(error.data)}` };
    case 'pattern':
      return { path, message: `expected ${error.parentSchema?.description ?? `a string matching ${String(params.pattern)}`}; got ${JSON.stringify(error.data)}` };
    case 'required':
      return { path: join(path, String(params.missingProperty)), message: 'is required' };
    default:
      return { path, message: error.message ?? 'is invalid' };
  }
}

function schemaAt(schemaPath: string): { properties?: Record<string, unknown> } | undefined {
  // schemaPath looks like '#/properties/population/additionalProperties'
  const parts = schemaPath.replace(/^#\//, '').split('/').slice(0, -1);
  let node: unknown = ScenarioSchema;
  for (const part of parts) node = (node as Record<string, unknown> | undefined)?.[decodeURIComponent(part)];
  return node as { properties?: Record<string, unknown> } | undefined;
}

function join(path: string, key: string): string {
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

function dedupe(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}|${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
