import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/index.ts';
import { ScenarioSchema } from '../../scenarios/schema.ts';

/**
 * docs/calibration.md names every default of the scenario schema, each with its source or the word
 * ASSUMPTION. A default is named when its dotted path appears in the page in backticks, e.g.
 * `glitches.sameCauseOnRetry.noService`; a default inside a list's items as `shocks.badReleases[].durationDays`.
 */

const CALIBRATION = fileURLToPath(new URL('../../docs/calibration.md', import.meta.url));

/** Leaf paths of a resolved scenario: scalars, lists and empty mappings. */
function leafPaths(value: unknown, path: string): string[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([key, child]) => leafPaths(child, path === '' ? key : `${path}.${key}`));
  }
  return [path];
}

interface SchemaNode {
  type?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** Paths of the defaults inside list items, which a resolved scenario (whose lists are empty) cannot show. */
function itemDefaultPaths(node: SchemaNode, path: string, inItems: boolean): string[] {
  const own = inItems && node.default !== undefined && node.type !== 'object' ? [path] : [];
  const children = Object.entries(node.properties ?? {}).flatMap(([key, child]) => itemDefaultPaths(child, path === '' ? key : `${path}.${key}`, inItems));
  const items = node.items ? itemDefaultPaths(node.items, `${path}[]`, true) : [];
  return [...own, ...children, ...items];
}

describe('docs/calibration.md', () => {
  const text = readFileSync(CALIBRATION, 'utf8');
  const defaults = loadScenario();
  const paths = [...leafPaths(defaults, ''), ...itemDefaultPaths(ScenarioSchema as unknown as SchemaNode, '', false)];

  it('finds the defaults to check', () => {
    expect(paths.length).toBeGreaterThan(100);
    expect(paths).toContain('glitches.sameCauseOnRetry.poorLight');
    expect(paths).toContain('shocks.badReleases[].durationDays');
  });

  it('names every default of the scenario schema', () => {
    const missing = paths.filter((path) => !text.includes(`\`${path}\``));
    expect(missing, `defaults missing from docs/calibration.md: ${missing.join(', ')}`).toEqual([]);
  });

  it('gives every default row a source or ASSUMPTION', () => {
    const rows = text.split('\n').filter((line) => /^\| `[a-zA-Z]/.test(line));
    const empty = rows.filter((line) => {
      const cells = line.split('|').map((cell) => cell.trim());
      return (cells[3] ?? '') === '';
    });
    expect(empty, `rows without a source: ${empty.join('\n')}`).toEqual([]);
  });
});
