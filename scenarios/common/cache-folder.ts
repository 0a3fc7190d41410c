import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * This user's folder for caches (the report's V8 code cache and Vega specs of its charts, the scenario
 * validator's generated code, parsed and validated scenarios) in the system's temporary folder: a cache
 * holds code that runs, so the folder is used only when it belongs to this user and nobody else may
 * write in it.
 */
export function cacheFolder(): string | undefined {
  const uid = process.getuid?.();
  const folder = join(tmpdir(), `checkin-sim-cache-${uid ?? 'user'}`);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = lstatSync(folder);
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return undefined;
    return folder;
  } catch {
    return undefined;
  }
}

/** A cache file's name: a hash of everything its content depends on (`inputs`), then `extension`. */
export function cacheFileName(inputs: string, extension: string): string {
  return `${createHash('sha256').update(inputs).digest('hex').slice(0, 32)}.${extension}`;
}

/**
 * Writes a cache file whole under a name of its own, then renames it: a concurrent reader finds the
 * old file or the new, never half of one. A cache that cannot be written is only slower next time.
 */
export function writeCacheFile(file: string, data: string | Uint8Array): void {
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, data, { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    // The next run compiles again.
  }
}
