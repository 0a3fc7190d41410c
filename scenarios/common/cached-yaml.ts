import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cacheFolder, writeCacheFile } from './cache-folder.ts';

const require = createRequire(import.meta.url);

/**
 * The data of a YAML text (a parsed document's toJS()) kept as JSON in this user's cache folder, under a
 * hash of the text, the parse options and the yaml package's version: parsing is a function of those
 * alone. Loading the yaml package (74 modules) took ~45 ms of every run's start-up, on the path to the
 * fleet's start; a cached text is read without it. Only data that JSON gives back exactly is kept.
 */
export interface YamlDataCache {
  /** The data parsed from `text` before, or undefined. */
  read(): unknown;
  /** Keeps `data`, parsed from `text`, when JSON holds it exactly. */
  write(data: unknown): void;
}

export function yamlDataCache(text: string, options: object): YamlDataCache {
  const { version } = require('yaml/package.json') as { version: string };
  const folder = cacheFolder();
  const key = createHash('sha256').update(`${version}\0${JSON.stringify(options)}\0${text}`).digest('hex').slice(0, 32);
  const file = folder && join(folder, `${key}.yaml.json`);
  return {
    read: () => {
      if (file === undefined) return undefined;
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    write: (data) => {
      if (file !== undefined && heldExactlyByJson(data)) writeCacheFile(file, JSON.stringify(data));
    },
  };
}

/** Plain objects, arrays, strings, booleans, null and finite numbers other than −0: what JSON.parse(JSON.stringify(value)) gives back equal. */
function heldExactlyByJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(heldExactlyByJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(([key, item]) => key !== '__proto__' && heldExactlyByJson(item));
}
