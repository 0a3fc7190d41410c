import type { ErrorObject } from 'ajv';

/** One schema violation, named as a client would write the field: `body.participants[2].template`. */
export interface FieldIssue {
  field: string;
  expected: string;
}

/** Turns an Ajv error into the field it concerns and what was expected there. */
export function describeSchemaError(error: ErrorObject, root: string): FieldIssue {
  const path = formatPath(root, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { field: appendKey(path, String(params.missingProperty)), expected: 'is required' };
    case 'additionalProperties':
      return { field: appendKey(path, String(params.additionalProperty)), expected: 'is not a known field; remove it' };
    case 'type':
      return { field: path, expected: `expected ${String(params.type)}` };
    case 'enum':
      return { field: path, expected: `expected one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { field: path, expected: `expected ${JSON.stringify(params.allowedValue)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field: path, expected: `expected a number ${String(params.comparison)} ${String(params.limit)}` };
    case 'minItems':
    case 'maxItems':
      return { field: path, expected: `expected an array of ${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} items` };
    case 'minLength':
    case 'maxLength':
      return { field: path, expected: `expected a string of ${error.keyword === 'minLength' ? 'at least' : 'at most'} ${String(params.limit)} characters` };
    case 'pattern':
      return { field: path, expected: `expected a string matching ${String(params.pattern)}` };
    default:
      return { field: path, expected: error.message ?? 'is invalid' };
  }
}

/** `/participants/2/template` under `body` → `body.participants[2].template`. */
function formatPath(root: string, instancePath: string): string {
  if (instancePath === '') return root;
  let path = root;
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path = /^\d+$/.test(segment) ? `${path}[${segment}]` : appendKey(path, segment);
  }
  return path;
}

function appendKey(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
