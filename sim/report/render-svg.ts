import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileWithCache } from './code-cache.ts';
import { compileChart } from './vega-lite-cache.ts';
import type * as VegaModule from 'vega';
import type * as VegaLiteModule from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite → SVG, in Node, ahead of time: the report holds finished drawings, so opening it needs
 * no script, no network and no font download. Vega's headless renderer ('none') measures text with
 * its built-in estimates.
 *
 * Vega and Vega-Lite are loaded from the single-file bundles their packages ship in `build/`
 * (vega.min.js, vega-lite.min.js), evaluated once as CommonJS, rather than through their ESM module
 * graphs: a few hundred small modules take about 1 s to load through the TypeScript loader, the two
 * bundles about 0.15 s, and that difference is most of a report's time budget. Their code is
 * compiled with V8's code cache (code-cache.ts).
 */
type Vega = typeof VegaModule;
type VegaLite = typeof VegaLiteModule;
let vega: Vega | undefined;
let vegaLite: VegaLite | undefined;

function bundleFile(name: 'vega' | 'vega-lite'): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(name)), `${name}.min.js`);
}

function loadVega(): Vega {
  vega ??= evaluateBundle<Vega>(bundleFile('vega'), {});
  return vega;
}

/** Vega-Lite, loaded only for a chart whose compile is not in the cache yet (vega-lite-cache.ts). */
function loadVegaLite(): VegaLite {
  vegaLite ??= evaluateBundle<VegaLite>(bundleFile('vega-lite'), { vega: loadVega() });
  return vegaLite;
}

/**
 * Loads Vega now rather than at the first chart: `run` calls this once its study is drawn, while a
 * fleet in worker threads may still be running, which takes the load off the report's time after it.
 */
export function preloadRenderer(): void {
  loadVega();
}

/** Runs a UMD bundle as CommonJS, handing it only the modules it names. */
function evaluateBundle<T>(file: string, dependencies: Record<string, unknown>): T {
  const module = { exports: {} as T };
  const wrapper = compileWithCache(`(function (exports, module, require) {${readFileSync(file, 'utf8')}\n})`, file).runInThisContext() as (
    exports: T,
    module: { exports: T },
    require: (id: string) => unknown,
  ) => void;
  wrapper(module.exports, module, (id) => {
    if (id in dependencies) return dependencies[id];
    throw new Error(`${file} asks for '${id}', which the report does not provide`);
  });
  return module.exports;
}

/** Common look of every chart: system fonts, quiet grid, titles left-aligned. */
const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  background: 'white',
  padding: 8,
  title: { anchor: 'start', fontSize: 14, fontWeight: 600, offset: 10 },
  axis: { labelLimit: 240, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500, gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888' },
  legend: { labelLimit: 240, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500 },
  view: { stroke: '#ddd' },
} as const;

/**
 * One chart as an SVG document. `idPrefix` makes the ids of its definitions (clip paths) unique in
 * a page of several charts; they are numbered from 0 for each chart, so the bytes do not depend on
 * what else the process drew before.
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  const vega = loadVega();
  const compiled = compileChart({ ...spec, config: { ...CONFIG, ...spec.config } } as TopLevelSpec, loadVegaLite) as VegaModule.Spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    vega.resetSVGDefIds();
    const svg = await view.toSVG();
    return svg.replace(/(id="|url\(#|href="#)([A-Za-z_][\w-]*)/g, (_match, before: string, id: string) => `${before}${idPrefix}-${id}`);
  } finally {
    view.finalize();
  }
}
