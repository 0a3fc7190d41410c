import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, sourceFiles } from '../helpers/imports.ts';

// The folders run one way: scenarios/common ← scenarios ← server-stub ← sim, and dashboards read only the
// vocabulary and the metric specs. Inside sim, no two subfolders import each other, however indirectly.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Each area and the areas it may import from, besides itself. scenarios/k6 is an area of its own (k6
 * bundles it), and so is scenarios/common: the helpers every layer may use, importing none of ours.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  'scenarios/common': [],
  scenarios: ['scenarios/common', 'scenarios/k6'],
  'scenarios/k6': [],
  'server-stub': ['scenarios/common', 'scenarios', 'scenarios/k6'],
  sim: ['scenarios/common', 'scenarios', 'scenarios/k6', 'server-stub'],
  dashboards: [],
};

/** Files an area may import although their area is not open to it. */
const MAY_IMPORT_FILES: Readonly<Record<string, readonly string[]>> = {
  // The shared vocabulary imports nothing, so k6 can bundle it with the scripts.
  'scenarios/k6': ['scenarios/vocabulary.ts'],
  // Dashboards name metrics and labels, nothing more.
  dashboards: ['scenarios/vocabulary.ts', 'scenarios/k6/lib/harness-metric-specs.ts', 'scenarios/k6/lib/k6-harness-metrics.ts'],
};

/** One relative import: the importing file and the file it names, both relative to the root. */
interface Edge {
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
}

/** The area of a file: its top-level folder, scenarios/k6 and scenarios/common on their own. */
function areaOf(file: string): string {
  if (file.startsWith('scenarios/k6/')) return 'scenarios/k6';
  if (file.startsWith('scenarios/common/')) return 'scenarios/common';
  return file.split('/')[0]!;
}

/** Whether `from` may import `to` (both relative to the root) under the folder rules. */
function importAllowed(from: string, to: string): boolean {
  const [source, target] = [areaOf(from), areaOf(to)];
  if (source === target) return true;
  return (MAY_IMPORT[source] ?? []).includes(target) || (MAY_IMPORT_FILES[source] ?? []).includes(to);
}

/** The subfolder of sim a file is in; files directly in sim/ count as `sim/`. */
function simPartOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? `sim/${parts[1]}` : 'sim/';
}

/**
 * The groups of sim subfolders that import each other (strongly connected components of more than
 * one subfolder, Tarjan), each with the imports that join it.
 */
function simCycles(edges: readonly Edge[]): { parts: string[]; edges: Edge[] }[] {
  const between = edges.filter((edge) => simPartOf(edge.from) !== simPartOf(edge.to));
  const next = new Map<string, Set<string>>();
  for (const { from, to } of between) {
    if (!next.has(simPartOf(from))) next.set(simPartOf(from), new Set());
    next.get(simPartOf(from))!.add(simPartOf(to));
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (part: string): void => {
    index.set(part, index.size);
    low.set(part, index.get(part)!);
    stack.push(part);
    for (const target of next.get(part) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(part, Math.min(low.get(part)!, low.get(target)!));
      } else if (stack.includes(target)) low.set(part, Math.min(low.get(part)!, index.get(target)!));
    }
    if (low.get(part) !== index.get(part)) return;
    const group: string[] = [];
    let member: string;
    do group.push((member = stack.pop()!));
    while (member !== part);
    if (group.length > 1) groups.push(group.sort());
  };
  for (const part of [...next.keys()].sort()) if (!index.has(part)) visit(part);
  return groups.map((parts) => ({ parts, edges: between.filter((edge) => parts.includes(simPartOf(edge.from)) && parts.includes(simPartOf(edge.to))) }));
}

/** Every relative import of every source file in the checked folders. */
function projectEdges(): Edge[] {
  const files = ['scenarios', 'server-stub', 'sim', 'dashboards'].flatMap((folder) => sourceFiles(join(ROOT, folder)));
  return files.flatMap((file) => {
    return importsOf(readFileSync(file, 'utf8'))
      .filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/'))
      .map((specifier) => ({ from: relative(ROOT, file), to: relative(ROOT, resolve(dirname(file), specifier)), specifier }));
  });
}

const shown = (edge: Edge) => `${edge.from} imports '${edge.specifier}' (${edge.to})`;

describe('the direction of imports between folders', () => {
  const edges = projectEdges();

  it('finds the imports it checks', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.map(shown)).toEqual(
      expect.arrayContaining([
        "sim/cli/program.ts imports '../../server-stub/serve-command.ts' (server-stub/serve-command.ts)",
        "sim/cli/bin.js imports './main.ts' (sim/cli/main.ts)", // a dynamic import() in a .js file
      ]),
    );
  });

  it('runs scenarios/common ← scenarios ← server-stub ← sim, dashboards reading only the vocabulary and the metric specs', () => {
    const offending = edges.filter((edge) => !importAllowed(edge.from, edge.to)).map(shown);
    expect(offending, 'imports against the folder rules (see MAY_IMPORT)').toEqual([]);
  });

  it('leaves no cycle among the subfolders of sim', () => {
    const cycles = simCycles(edges.filter((edge) => areaOf(edge.from) === 'sim' && areaOf(edge.to) === 'sim'));
    const described = cycles.map((cycle) => `${cycle.parts.join(' ↔ ')}: ${cycle.edges.map(shown).join('; ')}`);
    expect(described, 'sim subfolders that import each other').toEqual([]);
  });

  it('the folder rules refuse what they should', () => {
    expect(importAllowed('sim/cli/main.ts', 'server-stub/serve-command.ts')).toBe(true);
    expect(importAllowed('server-stub/options.ts', 'scenarios/schema.ts')).toBe(true);
    expect(importAllowed('scenarios/schema.ts', 'scenarios/common/deep-freeze.ts')).toBe(true);
    expect(importAllowed('scenarios/k6/lib/k6-summary.ts', 'scenarios/vocabulary.ts')).toBe(true);
    expect(importAllowed('dashboards/panels.ts', 'scenarios/k6/lib/harness-metric-specs.ts')).toBe(true);
    expect(importAllowed('scenarios/schema.ts', 'sim/population/catalog.ts')).toBe(false);
    expect(importAllowed('server-stub/metrics.ts', 'sim/metrics/driver-prometheus.ts')).toBe(false);
    expect(importAllowed('scenarios/common/coded-error.ts', 'scenarios/vocabulary.ts')).toBe(false);
    expect(importAllowed('scenarios/k6/lib/k6-summary.ts', 'scenarios/schema.ts')).toBe(false);
    expect(importAllowed('dashboards/panels.ts', 'scenarios/schema.ts')).toBe(false);
    expect(importAllowed('dashboards/k6-recording-rules.ts', 'scenarios/k6/lib/harness-samples.ts')).toBe(false);
    expect(importAllowed('sim/report/run-report.ts', 'dashboards/panels.ts')).toBe(false);
  });

  it('the cycle check names the imports that close a cycle', () => {
    const edge = (from: string, to: string): Edge => ({ from, to, specifier: `../${to.split('/').slice(1).join('/')}` });
    const cycles = simCycles([edge('sim/sweep/sweep.ts', 'sim/report/sweep-report.ts'), edge('sim/report/sweep-report.ts', 'sim/sweep/grid.ts'), edge('sim/cli/main.ts', 'sim/sweep/sweep.ts')]);
    expect(cycles).toEqual([{ parts: ['sim/report', 'sim/sweep'], edges: [edge('sim/sweep/sweep.ts', 'sim/report/sweep-report.ts'), edge('sim/report/sweep-report.ts', 'sim/sweep/grid.ts')] }]);
    expect(simCycles([edge('sim/cli/main.ts', 'sim/sweep/sweep.ts'), edge('sim/sweep/sweep.ts', 'sim/engine/run-simulation.ts')])).toEqual([]);
  });
});
