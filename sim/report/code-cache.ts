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
 * A cache file is named by a hash of the script's source, the Node version and V8's hash of its flags,
 * since V8 checks only the source's length; V8 refuses a cache made under other V8 flags or a damaged
 * file, and the script is then compiled as without one and its cache written afresh. V8's flags are
 * those of the command line (--single-threaded, say) and those set at run time: a run's shards widen
 * the inlining budget from a size on (sim/engine/inlining-budget.ts), after the process started. With
 * one name for all, runs under different flags took turns overwriting one cache, and each paid a cold
 * compile and a new cache after its charts.
 */
interface CachedScript {
  script: Script;
  source: string;
  folder: string | undefined;
  /** The cache was missing or refused: write it once the script's functions have run. */
  stale: boolean;
}

const scripts: CachedScript[] = [];

/** Compiles `source` (from `filename`) with its code cache when there is a valid one. */
export function compileWithCache(source: string, filename: string): Script {
  const folder = cacheFolder();
  let cachedData: Buffer | undefined;
  try {
    cachedData = folder === undefined ? undefined : readFileSync(join(folder, codeCacheName(source, v8FlagHash())));
  } catch {
    cachedData = undefined;
  }
  const script = new Script(source, { filename, cachedData });
  scripts.push({ script, source, folder, stale: cachedData === undefined || script.cachedDataRejected === true });
  return script;
}

/** The cache file's name for `source` made under V8 flags of hash `flagHash`. */
export function codeCacheName(source: string, flagHash: string): string {
  return cacheFileName(`${process.version}\0${flagHash}\0${source}`, 'v8cache');
}

/**
 * V8's hash of its flags as they are now, read where V8 writes it into every code cache it makes: bytes
 * 12–15 of the header (after its magic number, version hash and source hash), here of an empty script's.
 */
export function v8FlagHash(): string {
  return new Script('').createCachedData().subarray(12, 16).toString('hex');
}

/**
 * Writes the cache of each script compiled without a valid one, now that it holds the functions the
 * report ran, named by the flags it is made under (the shards may have changed them since it was read).
 */
export function saveCodeCaches(): void {
  for (const entry of scripts) {
    if (!entry.stale || entry.folder === undefined) continue;
    entry.stale = false;
    writeCacheFile(join(entry.folder, codeCacheName(entry.source, v8FlagHash())), entry.script.createCachedData());
  }
}
