import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { cacheFileName, cacheFolder, writeCacheFile } from '../../scenarios/common/cache-folder.ts';

/**
 * V8's code cache for the large scripts the report evaluates (Vega's bundles), kept in this user's
 * cache folder: what Node 22's module.enableCompileCache does for modules, which Node 20 lacks.
 * V8 compiles the bundles' functions as the first charts call them; with the cache an earlier report
 * wrote, it takes them compiled (the `report` command: 0.82 s of CPU → 0.72 s). No output changes.
 *
 * A cache file is named by a hash of the script's source, the Node version and the process's flags,
 * since V8 checks only the source's length; V8 refuses a cache made under other V8 flags (a run with
 * --single-threaded, say) or a damaged file, and the script is then compiled as without one and its
 * cache written afresh. Without the flags in the name, runs with and without such a flag took turns
 * overwriting one cache, and each paid a cold compile and a new cache after its charts.
 */
interface CachedScript {
  script: Script;
  file: string | undefined;
  /** The cache was missing or refused: write it once the script's functions have run. */
  stale: boolean;
}

const scripts: CachedScript[] = [];

/** Compiles `source` (from `filename`) with its code cache when there is a valid one. */
export function compileWithCache(source: string, filename: string): Script {
  const folder = cacheFolder();
  const file = folder && join(folder, codeCacheName(source));
  let cachedData: Buffer | undefined;
  try {
    cachedData = file === undefined ? undefined : readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(source, { filename, cachedData });
  scripts.push({ script, file, stale: cachedData === undefined || script.cachedDataRejected === true });
  return script;
}

/** The cache file's name for `source` under `flags` (this process's: its command-line and NODE_OPTIONS flags). */
export function codeCacheName(source: string, flags: readonly string[] = [...process.execArgv, process.env.NODE_OPTIONS ?? '']): string {
  return cacheFileName(`${process.version}\0${flags.join('\0')}\0${source}`, 'v8cache');
}

/** Writes the cache of each script compiled without a valid one, now that it holds the functions the report ran. */
export function saveCodeCaches(): void {
  for (const entry of scripts) {
    if (!entry.stale || entry.file === undefined) continue;
    entry.stale = false;
    writeCacheFile(entry.file, entry.script.createCachedData());
  }
}
