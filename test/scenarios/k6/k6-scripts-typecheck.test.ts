import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { importsOf, sourceFiles } from '../../helpers/imports.ts';

interface TestRun {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { parallelism: number; arguments?: string; script: { volumeClaim: { file: string } }; runner: { env: { name: string }[] } };
}

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const K6_DIR = join(ROOT, 'scenarios/k6');
/** The one file outside scenarios/k6 the scripts may import: the shared vocabulary, which imports nothing (k6 bundles relative imports). */
const VOCABULARY = join(ROOT, 'scenarios/vocabulary.ts');
/** The modules k6 itself provides that these scripts may use. */
const ALLOWED = new Set(['k6', 'k6/http', 'k6/data', 'k6/metrics', 'k6/execution']);

/**
 * Whether `file` may import `specifier` under k6: a module k6 provides, or by a relative path one of
 * `local` (the scripts' own files and the vocabulary), named with its .ts extension.
 */
export function importAllowed(file: string, specifier: string, local: readonly string[]): boolean {
  if (ALLOWED.has(specifier)) return true;
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return false;
  const target = resolve(dirname(file), specifier);
  return target.endsWith('.ts') && local.includes(target) && (target.startsWith(`${K6_DIR}/`) || target === VOCABULARY);
}

describe('the k6 scripts in scenarios/k6', () => {
  const files = sourceFiles(K6_DIR);
  /** What k6 loads: the scripts, their library and the vocabulary (whose own imports must pass too). */
  const loaded = [...files, VOCABULARY];

  it('are the entry scripts and their library', () => {
    const names = files.map((file) => relative(K6_DIR, file));
    expect(names).toEqual(expect.arrayContaining(['checkin-load.ts', 'enrol.ts', 'lib/execution-segments.ts', 'lib/attempt-outcome.ts', 'lib/k6-summary.ts']));
  });

  it('import only modules k6 provides (k6, k6/http, k6/data, k6/metrics, k6/execution), their own files and scenarios/vocabulary.ts', () => {
    const offending: string[] = [];
    for (const file of loaded) {
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        if (!importAllowed(file, specifier, loaded)) offending.push(`${relative(ROOT, file)}: ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
    // The library does use the vocabulary rather than copies of it.
    expect(files.filter((file) => importsOf(readFileSync(file, 'utf8')).some((specifier) => resolve(dirname(file), specifier) === VOCABULARY)).length).toBeGreaterThan(0);
  });

  it('the import rule allows exactly scenarios/vocabulary.ts outside scenarios/k6', () => {
    const lib = join(K6_DIR, 'lib/k6-summary.ts');
    const script = join(K6_DIR, 'checkin-load.ts');
    expect(importAllowed(lib, '../../vocabulary.ts', loaded)).toBe(true);
    expect(importAllowed(script, '../vocabulary.ts', loaded)).toBe(true);
    expect(importAllowed(lib, './sha256.ts', loaded)).toBe(true);
    expect(importAllowed(script, 'k6/http', loaded)).toBe(true);
    // Anything else outside scenarios/k6, even beside the vocabulary, or the vocabulary by another name.
    expect(importAllowed(lib, '../../schema.ts', loaded)).toBe(false);
    expect(importAllowed(lib, '../../index.ts', loaded)).toBe(false);
    expect(importAllowed(lib, '../../../sim/metrics/summary.ts', loaded)).toBe(false);
    expect(importAllowed(lib, '../../vocabulary.js', loaded)).toBe(false);
    expect(importAllowed(lib, '../../vocabulary', loaded)).toBe(false);
    expect(importAllowed(lib, '../vocabulary.ts', loaded)).toBe(false);
    expect(importAllowed(lib, VOCABULARY, loaded)).toBe(false); // an absolute path: not what k6 archive bundles
    expect(importAllowed(lib, 'node:fs', loaded)).toBe(false);
    expect(importAllowed(lib, 'k6/options', loaded)).toBe(false);
  });

  it('the import check catches what it should', () => {
    expect(importsOf("import http from 'k6/http';\nimport { readFileSync } from 'node:fs';")).toEqual(['k6/http', 'node:fs']);
    expect(importsOf("import type { Options } from 'k6/options';\nexport * from './lib/x.ts';")).toEqual(['k6/options', './lib/x.ts']);
    expect(importsOf("import 'https://jslib.k6.io/k6-summary/0.0.1/index.js';\nconst m = await import('k6/experimental/fs');")).toEqual([
      'https://jslib.k6.io/k6-summary/0.0.1/index.js',
      'k6/experimental/fs',
    ]);
    expect(importsOf("// import x from 'lodash'\n/* import y from 'undici' */")).toEqual([]);
  });

  it('the k6-operator TestRuns run those scripts: enrolment on one runner, the load split over several, metrics by remote write', () => {
    const runs = parseAllDocuments(readFileSync(join(K6_DIR, 'testrun.yaml'), 'utf8')).map((document) => document.toJS() as TestRun);
    expect(runs.map((run) => [run.kind, run.metadata.name, run.spec.parallelism])).toEqual([
      ['TestRun', 'checkin-enrol', 1],
      ['TestRun', 'checkin-load', 4],
    ]);
    for (const run of runs) {
      expect(run.apiVersion).toBe('k6.io/v1alpha1');
      expect(files).toContain(join(K6_DIR, run.spec.script.volumeClaim.file.replace(/^scenarios\/k6\//, '')));
      expect(run.spec.runner.env.map((variable) => variable.name)).toEqual(expect.arrayContaining(['EXPORT_DIR', 'TARGET', 'OFFICER_TOKEN']));
    }
    expect(runs[1]!.spec.arguments).toContain('--out experimental-prometheus-rw');
    expect(runs[1]!.spec.runner.env.map((variable) => variable.name)).toEqual(expect.arrayContaining(['K6_PROMETHEUS_RW_SERVER_URL', 'K6_PROMETHEUS_RW_TREND_STATS']));
  });

  it('type-check with @types/k6 under strict (scenarios/k6/tsconfig.json, as CI runs it)', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(K6_DIR, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8', cwd: ROOT });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
    const config = JSON.parse(readFileSync(join(K6_DIR, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(config.compilerOptions).toMatchObject({ strict: true, noUncheckedIndexedAccess: true, types: ['k6'] });
  }, 60_000);
});
