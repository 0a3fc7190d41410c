import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import type { Scenario } from './schema.ts';
import { SCHEMA_JSON_FILE } from './schema-json-file.ts';
import type { ScenarioIssue } from './errors.ts';
import { deepFreeze } from './common/deep-freeze.ts';
import { compileCached, validatorInputs } from './common/cached-validator.ts';
import { heldExactlyByJson, jsonCache, type JsonCache } from './common/json-cache.ts';
import { describeSchemaError, type IssueStyle } from './common/schema-issues.ts';

// The schema of scenarios/schema.ts as JSON (scenarios/write-reference.ts writes it, a test holds it equal):
// building it with TypeBox meant loading TypeBox, about 0.12 s of every run's start-up.
const SCENARIO_SCHEMA = JSON.parse(readFileSync(SCHEMA_JSON_FILE, 'utf8')) as object;
// Without codegen optimisation: it cost a run's start-up ~0.1 s to save microseconds on a validation made once.
const VALIDATOR_OPTIONS = { allErrors: true, useDefaults: true, verbose: true, strict: true, code: { optimize: false } } as const;
let validator: ValidateFunction | undefined;
/** Compiled at the first scenario that needs it: one validated before (validateScenarioCached) does not. */
const validateScenario = (): ValidateFunction => (validator ??= compileCached(SCENARIO_SCHEMA, VALIDATOR_OPTIONS));

export type ValidationResult = { ok: true; scenario: Scenario } | { ok: false; issues: ScenarioIssue[] };

/**
 * Fields a scenario file may still name from an earlier schema, with where their meaning went: refused
 * as unknown keys like any other, but saying what to write instead.
 */
const RETIRED_FIELDS: Readonly<Record<string, string>> = {
  'glitches.phoneUnavailable': "renamed 'noService'; a phone that is off, out of credit or lost is now a spell under devices",
  'glitches.callNoAnswer': 'removed; a call-back the person does not answer is officers.callBackNoAnswer',
};

/** A scenario file's issues name fields as the file and sweep grids do, and repeat the value refused. */
const FILE_STYLE: IssueStyle = { root: '', echoValue: true, notation: 'yaml', schema: SCENARIO_SCHEMA, retiredKeys: RETIRED_FIELDS };

/**
 * Validates a parsed scenario in place, filling every default, and names each field that is wrong:
 * every schema issue, and every cross-field issue whose fields are themselves valid, in one list.
 */
export function validateScenarioObject(candidate: unknown): ValidationResult {
  const validate = validateScenario();
  const schemaIssues = validate(candidate) ? [] : dedupe((validate.errors ?? []).map((error) => describeSchemaError(error, FILE_STYLE)));
  const issues = [...schemaIssues, ...crossFieldIssues(candidate, schemaIssues)];
  return issues.length > 0 ? { ok: false, issues } : { ok: true, scenario: deepFreeze(candidate as Scenario) };
}

/**
 * validateScenarioObject for a candidate of its own (it may be filled in place or not): a valid candidate
 * validated before, the same JSON against the same schema, options and Ajv, is read from the cache
 * folder with its defaults, and the validator is not even loaded (~20 ms of a run's start-up). The
 * cross-field rules, code of this module, are checked every time.
 */
export function validateScenarioCached(candidate: Record<string, unknown>): ValidationResult {
  const cache = validationCache(candidate);
  const validated = cache?.read();
  if (isRecord(validated) && crossFieldIssues(validated, []).length === 0) return { ok: true, scenario: deepFreeze(validated as unknown as Scenario) };
  const result = validateScenarioObject(candidate);
  if (result.ok) cache?.write(result.scenario);
  return result;
}

/** Where the validated form of `candidate` is kept: named by its JSON, the schema, the options and Ajv's version (none for a candidate JSON does not hold exactly). */
export function validationCache(candidate: Record<string, unknown>): JsonCache | undefined {
  return heldExactlyByJson(candidate) ? jsonCache('scenario', `${validatorInputs(SCENARIO_SCHEMA, VALIDATOR_OPTIONS)}\0${JSON.stringify(candidate)}`) : undefined;
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

function dedupe(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}|${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
