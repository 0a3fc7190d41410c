import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheFileName, cacheFolder, writeCacheFile } from './cache-folder.ts';

/**
 * Results of pure functions kept as JSON in this user's cache folder, named by a hash of everything the
 * result depends on (`inputs`: the function's version and arguments, as text). The scenario loader keeps
 * this way what took most of a run's start-up before its fleet could start: a YAML text's data and a
 * validated scenario. Only values JSON gives back exactly are kept.
 */
export interface JsonCache {
  /** The value written for these inputs before, or undefined. */
  read(): unknown;
  /** Keeps `value` for these inputs when JSON holds it exactly. */
  write(value: unknown): void;
}

export function jsonCache(kind: string, inputs: string): JsonCache {
  const folder = cacheFolder();
  const file = folder && join(folder, cacheFileName(inputs, `${kind}.json`));
  return {
    read: () => {
      if (file === undefined) return undefined;
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    write: (value) => {
      if (file !== undefined && heldExactlyByJson(value)) writeCacheFile(file, JSON.stringify(value));
    },
  };
}

/** Plain objects, arrays, strings, booleans, null and finite numbers other than −0: what JSON.parse(JSON.stringify(value)) gives back equal. */
export function heldExactlyByJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(heldExactlyByJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(([key, item]) => key !== '__proto__' && heldExactlyByJson(item));
}
