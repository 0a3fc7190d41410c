import { describe, expect, it } from 'vitest';
import { missingTools, SYSTEM_TOOLS } from './system-tools.ts';

describe('the test set-up', () => {
  it('names each Debian package whose files are not all there', () => {
    expect(missingTools(() => true)).toEqual([]);
    expect(missingTools(() => false).map((tool) => tool.debianPackage)).toEqual(['chromium', 'prometheus']);
    // prometheus without promtool is not enough for the end-to-end tests.
    expect(missingTools((file) => file !== '/usr/bin/promtool').map((tool) => tool.debianPackage)).toEqual(['prometheus']);
  });

  it('knows what each package is needed for', () => {
    for (const tool of SYSTEM_TOOLS) expect(tool.neededBy).toMatch(/^test\/(browser|e2e) /);
  });
});
