import { fileURLToPath } from 'node:url';

/**
 * Where the package's files are, whether this code runs from its TypeScript sources (through tsx) or
 * compiled to `dist/` (which mirrors the source folders). Data files (scenarios, the CLI's entry
 * script) stay at the package root in both cases; modules loaded by path (worker entries) are the
 * sibling of the running module, with its extension.
 */
const THIS_MODULE = import.meta.url;

/** True when running the compiled JavaScript in dist/. */
export const RUNS_COMPILED = THIS_MODULE.endsWith('.js');

// sim/runtime/package-files.ts, or dist/sim/runtime/package-files.js
const PACKAGE_ROOT = new URL(RUNS_COMPILED ? '../../../' : '../../', THIS_MODULE);

/** The absolute path of a file of the package, from its root (e.g. `scenarios/baseline.yaml`). */
export function packageFile(path: string): string {
  return fileURLToPath(new URL(path, PACKAGE_ROOT));
}

/** The module `name` (no extension) beside the module at `base`, in the form this code runs from. */
export function siblingModule(name: string, base: string): URL {
  return new URL(`${name}${RUNS_COMPILED ? '.js' : '.ts'}`, base);
}
