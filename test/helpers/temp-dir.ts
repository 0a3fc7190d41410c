import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A fresh folder in the system's temp folder for a test file, removed after its tests, passed or
 * failed. Call it at the top of the file (it registers an afterAll hook).
 */
export function tempDir(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), `checkin-sim-${prefix}-`));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}
