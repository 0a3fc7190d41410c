import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cacheFileName, cacheFolder, writeCacheFile } from '../../scenarios/common/cache-folder.ts';
import type * as VegaLiteModule from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite's compile of a chart, kept in this user's cache folder (cache-folder.ts) under a hash of the
 * chart's shape: its spec with the data (each `data.values`) and the subtitles taken out. A report whose
 * charts have the shapes of an earlier report's reads their Vega specs instead of compiling them, and
 * does not load Vega-Lite at all. Shapes seldom change between runs (of the baseline's nine charts, a
 * run of another seed and size added two: the DET curve's axis range, the count of causes; two more
 * such runs none). A 125k × 30 d run took 0.945× the wall time and 0.970× the CPU with every chart
 * read (14 interleaved runs), and its first run, which compiles them all and loads Vega-Lite after the
 * fleet instead of beside it, 1.038× (8 runs).
 *
 * Vega-Lite reads a chart's shape, not its data: the Vega spec is the shape's, with the data and the
 * subtitles put back where their placeholders went. test/sim/report/vega-lite-cache.test.ts compares
 * it with Vega-Lite's compile of the whole spec for every chart the reports draw.
 */
export function compileChart(spec: TopLevelSpec, vegaLite: () => typeof VegaLiteModule): object {
  const { shape, slots } = shapeOf(spec);
  const folder = cacheFolder();
  const file = folder && join(folder, cacheFileName(`${vegaLiteVersion()}\0${JSON.stringify(shape)}`, 'vega.json'));
  let compiled: unknown;
  try {
    compiled = file === undefined ? undefined : JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // No cache yet, or a damaged one: compiled afresh below.
  }
  if (compiled === undefined) {
    compiled = vegaLite().compile(shape as TopLevelSpec).spec;
    if (file !== undefined) writeCacheFile(file, JSON.stringify(compiled));
  }
  return fill(compiled, slots) as object;
}

/** The key of a placeholder: an object `{ [SLOT]: n }` stands for a dataset's values, a string `${SLOT} n` for a subtitle. */
const SLOT = '$checkinSimSlot';

/**
 * The spec with every `data.values` and every subtitle replaced by a placeholder, and what they stood
 * for. Equal values share a placeholder, so that Vega-Lite sees equal datasets where the spec had them.
 */
function shapeOf(spec: TopLevelSpec): { shape: unknown; slots: unknown[] } {
  const slots: unknown[] = [];
  const slotByJson = new Map<string, number>();
  const slot = (value: unknown): number => {
    const json = JSON.stringify(value);
    let index = slotByJson.get(json);
    if (index === undefined) {
      index = slots.push(value) - 1;
      slotByJson.set(json, index);
    }
    return index;
  };
  const walk = (node: unknown, key?: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item));
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([name, value]) => {
        if (key === 'data' && name === 'values' && Array.isArray(value)) return [name, [{ [SLOT]: slot(value) }]];
        if (name === 'subtitle' && typeof value === 'string') return [name, `${SLOT} ${slot(value)}`];
        return [name, walk(value, name)];
      }),
    );
  };
  return { shape: walk(spec), slots };
}

/** The compiled shape with each placeholder replaced by what it stood for. */
function fill(node: unknown, slots: readonly unknown[]): unknown {
  if (Array.isArray(node)) {
    const only = node.length === 1 ? (node[0] as Record<string, unknown> | null) : null;
    if (only !== null && typeof only === 'object' && SLOT in only) return slots[only[SLOT] as number];
    return node.map((item) => fill(item, slots));
  }
  if (typeof node === 'string') return node.startsWith(`${SLOT} `) ? slots[Number(node.slice(SLOT.length + 1))] : node;
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([name, value]) => [name, fill(value, slots)]));
}

let version: string | undefined;

/** Vega-Lite's version, from its package.json (which its exports do not name), without loading Vega-Lite. */
function vegaLiteVersion(): string {
  version ??= (JSON.parse(readFileSync(join(dirname(createRequire(import.meta.url).resolve('vega-lite')), '..', 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
