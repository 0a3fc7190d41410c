import { fileURLToPath } from 'node:url';

/**
 * Where the package's files are, whether this code runs from its TypeScript sources (through tsx) or
 * compiled to `dist/`: tsc's modules, which mirror the source folders, or the CLI's bundle in
 * dist/cli/, whose chunks hold modules of every folder. Data files (scenarios, the CLI's entry script)
 * stay at the package root in every case; worker entries are named by their source path.
 */
const THIS_MODULE = import.meta.url;

/** True when running the compiled JavaScript in dist/. */
export const RUNS_COMPILED = THIS_MODULE.endsWith('.js');

// From the sources, scenarios/common/package-files.ts; compiled, the folder that holds dist/, at whatever depth below it this code was written to.
const PACKAGE_ROOT = RUNS_COMPILED ? new URL(THIS_MODULE.slice(0, THIS_MODULE.lastIndexOf('/dist/') + 1)) : new URL('../../', THIS_MODULE);

/** The absolute path of a file of the package, from its root (e.g. `scenarios/baseline.yaml`). */
export function packageFile(path: string): string {
  return fileURLToPath(new URL(path, PACKAGE_ROOT));
}

/**
 * A worker thread's entry module, by its source path without extension (e.g. `sim/verification/study-worker`),
 * in the form this code runs from: `<path>.ts` from the sources, `dist/<path><compiledExtension>` compiled.
 */
export function workerEntry(path: string, compiledExtension = '.js'): URL {
  return new URL(RUNS_COMPILED ? `dist/${path}${compiledExtension}` : `${path}.ts`, PACKAGE_ROOT);
}
