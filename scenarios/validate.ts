import { Ajv, type ErrorObject } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { ScenarioSchema, type Scenario } from './schema.ts';
import type { ScenarioIssue } from './errors.ts';

const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true });
const validateScenario = ajv.compile(ScenarioSchema);

export type ValidationResult = { ok: true; scenario: Scenario } | { ok: false; issues: ScenarioIssue[] };

/** Validates a parsed scenario in place, filling every default, and names each field that is wrong. */
export function validateScenarioObject(candidate: unknown): ValidationResult {
  if (!validateScenario(candidate)) return { ok: false, issues: dedupe((validateScenario.errors ?? []).map(describeError)) };
  const scenario = candidate as Scenario;
  const issues = crossFieldIssues(scenario);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, scenario: deepFreeze(scenario) };
}

/** Rules that involve more than one field, which the schema cannot say. */
function crossFieldIssues(scenario: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const { population, schedule } = scenario;
  for (const [name, shares] of Object.entries({ modality: population.modality, deviceTier: population.deviceTier, connectivity: population.connectivity, workShift: population.workShift })) {
    if (Object.values(shares).every((share) => share === 0)) {
      issues.push({ path: `population.${name}`, message: 'expected at least one weight > 0, got all 0' });
    }
  }
  if (population.hearingDaysAhead.min > population.hearingDaysAhead.max) {
    issues.push({ path: 'population.hearingDaysAhead.min', message: `expected ≤ max (${population.hearingDaysAhead.max}), got ${population.hearingDaysAhead.min}` });
  }
  if (schedule.checkInHourLocal.earliest > schedule.checkInHourLocal.latest) {
    issues.push({ path: 'schedule.checkInHourLocal.earliest', message: `expected ≤ latest (${schedule.checkInHourLocal.latest}), got ${schedule.checkInHourLocal.earliest}` });
  }
  return issues;
}

function describeError(error: ErrorObject): ScenarioIssue {
  const path = error.instancePath.slice(1).replaceAll('/', '.');
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(schemaAt(error.schemaPath)?.properties ?? {});
      const suggestion = known.length > 0 ? closest(key, known) : undefined;
      const hint = suggestion !== undefined && distance(key, suggestion) <= Math.max(2, key.length / 3) ? ` (did you mean '${suggestion}'?)` : '';
      return { path: join(path, key), message: `unknown key '${key}'${hint}; expected one of: ${known.join(', ')}` };
    }
    case 'type':
      return { path, message: `expected ${String(params.type)}, got ${typeName(error.data)}` };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const bound = { minimum: '≥', exclusiveMinimum: '>', maximum: '≤', exclusiveMaximum: '<' }[error.keyword];
      const isProbability = (error.parentSchema?.description ?? '').includes('probability');
      return { path, message: `expected a number ${bound} ${String(params.limit)}${isProbability ? ' (a probability)' : ''}, got ${JSON.stringify(error.data)}` };
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
  return `${typeof value} ${JSON.stringify(value)}`;
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

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
