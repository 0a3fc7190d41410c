import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScenarioSchema } from './schema.ts';
import { SCHEMA_JSON_FILE } from './schema-json-file.ts';

/**
 * Generates docs/scenarios.md, the field reference, from the schema itself (every field, its type,
 * bounds, default and description) and the built-in scenarios' header comments, and
 * scenarios/scenario.schema.json, the schema as JSON Schema (what a run validates against, and what
 * an editor can check a scenario file with), so that neither can drift from scenarios/schema.ts:
 * test/scenarios/scenario-reference.test.ts fails when either file is out of date.
 *
 *   node --import tsx scenarios/write-reference.ts
 */

interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  enum?: unknown[];
  properties?: Record<string, Node>;
  items?: Node;
  required?: string[];
  patternProperties?: Record<string, Node>;
}

const DIRECTORY = fileURLToPath(new URL('.', import.meta.url));
export const REFERENCE_FILE = fileURLToPath(new URL('../docs/scenarios.md', import.meta.url));

/** scenario.schema.json's text: the schema as JSON, in the schema's own key order. */
export function scenarioSchemaJson(): string {
  return `${JSON.stringify(ScenarioSchema, null, 2)}\n`;
}

export function scenarioReference(): string {
  const root = ScenarioSchema as unknown as Node;
  const topLevel = Object.entries(root.properties ?? {}).filter(([, node]) => node.type !== 'object');
  const sections = Object.entries(root.properties ?? {}).filter(([, node]) => node.type === 'object');
  const out: string[] = [
    '# Scenario files',
    '',
    '<!-- Generated from scenarios/schema.ts by `node --import tsx scenarios/write-reference.ts`; do not edit by hand. -->',
    '',
    'A scenario is a YAML file that names only what it changes from the defaults below; it may start from',
    'another with `extends: other.yaml` (mappings merge, lists and values replace). Unknown keys, wrong types',
    'and out-of-range values are refused with the field\'s path, its line and column, and what was expected.',
    'Probabilities are fractions (0..1); units are in the field\'s name or description. Defaults name their',
    'published source (the calibration row) or say ASSUMPTION: [calibration.md](calibration.md) gives each',
    'source, and [design.md](design.md) how each field acts in the model.',
    '',
    '## Built-in scenarios',
    '',
    '| file | the question it answers |',
    '|---|---|',
    ...builtInScenarios().map(({ file, question }) => `| [\`${file}\`](../scenarios/${file}) | ${escape(question)} |`),
    '',
    'Run one with `checkin-sim run scenarios/<file>`; the sweeps (those with a `sweep.grid`) with',
    '`checkin-sim sweep scenarios/<file>`.',
    '',
    '## Fields',
    '',
    '### Top level',
    '',
    ...table(topLevel.flatMap(([key, node]) => rows(key, node))),
  ];
  for (const [key, node] of sections) {
    out.push('', `### \`${key}\``, '', sentence(node.description ?? ''), '', ...table(rows(key, node)));
  }
  return `${out.join('\n')}\n`;
}

interface Row {
  path: string;
  type: string;
  default: string;
  description: string;
}

/**
 * The table rows of a field: one per scalar or list, and one for a mapping inside a section (a device,
 * an hour range, a set of weights) that says what the mapping as a whole is, ahead of its fields.
 */
function rows(path: string, node: Node, depth = 0): Row[] {
  if (node.type === 'object' && node.properties) {
    const own: Row[] = depth > 0 && node.description ? [{ path, type: 'mapping', default: '', description: node.description }] : [];
    return [...own, ...Object.entries(node.properties).flatMap(([key, child]) => rows(`${path}.${key}`, child, depth + 1))];
  }
  const row: Row = { path, type: typeOf(node), default: node.default === undefined ? '(required)' : `\`${JSON.stringify(node.default)}\``, description: node.description ?? '' };
  if (node.type === 'array' && node.items?.type === 'object' && node.items.properties) {
    const required = new Set(node.items.required ?? []);
    const items = Object.entries(node.items.properties).map(([key, child]) => ({
      path: `${path}[].${key}`,
      type: typeOf(child),
      default: child.default !== undefined ? `\`${JSON.stringify(child.default)}\`` : required.has(key) ? '(required)' : '(optional)',
      description: child.description ?? '',
    }));
    return [row, ...items];
  }
  return [row];
}

function typeOf(node: Node): string {
  if (node.enum) return `one of ${node.enum.map((value) => `\`${String(value)}\``).join(', ')}`;
  if (node.type === 'array') return node.items?.type === 'object' ? 'list of mappings' : `list of ${node.items?.type ?? 'values'}`;
  if (node.type === 'object' && node.patternProperties) return 'mapping: field path → list of values';
  const bounds = [
    node.minimum !== undefined ? `≥ ${node.minimum}` : '',
    node.exclusiveMinimum !== undefined ? `> ${node.exclusiveMinimum}` : '',
    node.maximum !== undefined ? `≤ ${node.maximum}` : '',
    node.exclusiveMaximum !== undefined ? `< ${node.exclusiveMaximum}` : '',
  ].filter(Boolean);
  return `${node.type ?? 'value'}${bounds.length > 0 ? `, ${bounds.join(', ')}` : ''}`;
}

function table(list: readonly Row[]): string[] {
  return ['| field | type | default | meaning |', '|---|---|---|---|', ...list.map((row) => `| \`${row.path}\` | ${escape(row.type)} | ${escape(row.default)} | ${escape(row.description)} |`)];
}

/** Each built-in scenario and the question its header comment says it answers (the comment's first sentence). */
function builtInScenarios(): { file: string; question: string }[] {
  const files = readdirSync(DIRECTORY).filter((file) => file.endsWith('.yaml')).sort((a, b) => (a === 'baseline.yaml' ? -1 : b === 'baseline.yaml' ? 1 : a.localeCompare(b)));
  return files.map((file) => {
    const comment = readFileSync(`${DIRECTORY}/${file}`, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .map((line) => line.replace(/^#\s?/, ''))
      .join(' ');
    const text = comment.replace(/^[a-z-]+:\s*/, '');
    const end = text.search(/[?.](\s|$)/);
    const question = end < 0 ? text : text.slice(0, end + 1);
    return { file, question: `${question.charAt(0).toUpperCase()}${question.slice(1)}` };
  });
}

function sentence(text: string): string {
  return text === '' ? '' : `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

function escape(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(REFERENCE_FILE, scenarioReference());
  writeFileSync(SCHEMA_JSON_FILE, scenarioSchemaJson());
  process.stdout.write(`wrote ${REFERENCE_FILE} and ${SCHEMA_JSON_FILE}\n`);
}
