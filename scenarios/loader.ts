import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type * as Yaml from 'yaml';
import type { Document, LineCounter } from 'yaml';
import { ScenarioError, type ScenarioIssue } from './errors.ts';
import { validateScenarioCached } from './validate.ts';
import { jsonCache } from './common/json-cache.ts';
import type { Scenario } from './schema.ts';

// The yaml package (74 modules, ~45 ms of a run's start-up) is loaded only for a text not parsed before or to place an issue.
const require = createRequire(import.meta.url);
const yaml = (): typeof Yaml => require('yaml') as typeof Yaml;
const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true } as const;

/** A text's data depends on the text, the parse options and yaml's version alone. */
function yamlDataCache(text: string) {
  const { version } = require('yaml/package.json') as { version: string };
  return jsonCache('yaml', `${version}\0${JSON.stringify(PARSE_OPTIONS)}\0${text}`);
}

export interface LoadOptions {
  /** Path of a YAML scenario file; without it, the schema's defaults make the scenario. */
  file?: string;
  /** Fields set on top of the file (CLI flags), as dotted paths: `{ participants: 2000 }`. */
  overrides?: Record<string, unknown>;
}

interface ParsedFile {
  file: string;
  text: string;
  data: Record<string, unknown>;
}

/** Reads, merges (`extends`), overrides and validates a scenario. Throws ScenarioError. */
export function loadScenario(options: LoadOptions = {}): Scenario {
  const chain = options.file === undefined ? [] : readChain(resolve(options.file), []);
  const merged = chain.reduce<Record<string, unknown>>((base, parsed) => mergeDeep(base, parsed.data), {});
  for (const [path, value] of Object.entries(options.overrides ?? {})) setPath(merged, path.split('.'), value);

  const result = validateScenarioCached(merged);
  if (result.ok) return result.scenario;
  const own = chain.at(-1);
  const documents = chain.map((parsed) => ({ file: parsed.file, ...parseYaml(parsed.text) }));
  throw new ScenarioError('SCN_ERR_INVALID', own?.file, result.issues.map((issue) => locate(issue, documents)));
}

function readChain(file: string, seen: string[]): ParsedFile[] {
  if (seen.includes(file)) {
    throw new ScenarioError('SCN_ERR_EXTENDS', file, [{ path: 'extends', message: `loops: ${[...seen, file].join(' → ')}` }]);
  }
  const parsed = parseFile(file);
  const parent = parsed.data.extends;
  delete parsed.data.extends;
  if (parent === undefined) return [parsed];
  if (typeof parent !== 'string' || parent === '') {
    throw new ScenarioError('SCN_ERR_EXTENDS', file, [{ path: 'extends', message: `expected a path to another scenario file, got ${JSON.stringify(parent)}` }]);
  }
  const parentFile = resolve(dirname(file), parent);
  try {
    return [...readChain(parentFile, [...seen, file]), parsed];
  } catch (error) {
    if (error instanceof ScenarioError && error.code === 'SCN_ERR_FILE_NOT_FOUND') {
      throw new ScenarioError('SCN_ERR_EXTENDS', file, [{ path: 'extends', message: `cannot read '${parent}' (${parentFile})` }]);
    }
    throw error;
  }
}

function parseFile(file: string): ParsedFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ScenarioError('SCN_ERR_FILE_NOT_FOUND', file, [{ path: '', message: reason }]);
  }
  const cache = yamlDataCache(text);
  const cached = cache.read();
  if (isPlainObject(cached)) return { file, text, data: cached };
  const { document, lineCounter } = parseYaml(text);
  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => {
      const position = lineCounter.linePos(error.pos[0]);
      return { path: '', message: error.message.split('\n')[0] ?? error.code, line: position.line, column: position.col };
    });
    throw new ScenarioError('SCN_ERR_YAML_SYNTAX', file, issues);
  }
  const parsed: unknown = document.toJS();
  if (parsed !== null && parsed !== undefined && !yaml().isMap(document.contents)) {
    throw new ScenarioError('SCN_ERR_NOT_A_MAPPING', file, [{ path: '', message: `expected a mapping of scenario fields, got ${Array.isArray(parsed) ? 'a list' : typeof parsed}` }]);
  }
  const data = (parsed ?? {}) as Record<string, unknown>;
  cache.write(data);
  return { file, text, data };
}

function parseYaml(text: string): { document: Document; lineCounter: LineCounter } {
  const { LineCounter: Counter, parseDocument } = yaml();
  const lineCounter = new Counter();
  return { document: parseDocument(text, { lineCounter, ...PARSE_OPTIONS }), lineCounter };
}

/** Points an issue at the file (last in the chain first) whose text holds the field. */
function locate(issue: ScenarioIssue, chain: readonly { file: string; document: Document; lineCounter: LineCounter }[]): ScenarioIssue {
  const keys = issue.path === '' ? [] : issue.path.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key));
  for (let index = chain.length - 1; index >= 0; index--) {
    const { file, document, lineCounter } = chain[index]!;
    for (let depth = keys.length; depth > 0; depth--) {
      const node = keyOrValueNode(document, keys.slice(0, depth));
      if (node?.range) {
        const position = lineCounter.linePos(node.range[0]);
        const inherited = index === chain.length - 1 ? '' : ` (from ${file})`;
        return { ...issue, message: issue.message + inherited, line: position.line, column: position.col };
      }
    }
  }
  return issue;
}

/** The node of a mapping's key where the path ends in one (so errors point at the field's name), else the value's. */
function keyOrValueNode(document: Document, path: (string | number)[]): { range?: [number, number, number] | null } | undefined {
  const { isMap, isScalar } = yaml();
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === path.at(-1));
    if (pair && isScalar(pair.key)) return pair.key;
  }
  return document.getIn(path, true) as { range?: [number, number, number] } | undefined;
}

function mergeDeep(base: Record<string, unknown>, layer: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    const existing = result[key];
    result[key] = isPlainObject(existing) && isPlainObject(value) ? mergeDeep(existing, value) : value;
  }
  return result;
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  const [head, ...rest] = keys;
  if (head === undefined) return;
  if (rest.length === 0) {
    // A copy: the loaded scenario is frozen, and the caller's override objects must not be.
    target[head] = structuredClone(value);
    return;
  }
  const child = target[head];
  const next = isPlainObject(child) ? child : {};
  target[head] = next;
  setPath(next, rest, value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
