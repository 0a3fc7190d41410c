import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { codeCacheName, v8FlagHash } from '../../../sim/report/code-cache.ts';

describe("the report's V8 code cache", () => {
  it('keeps one cache per hash of V8 flags, which V8 checks, and per source', () => {
    const source = '(function () { return 1; })';
    expect(codeCacheName(source, '53214650')).toBe(codeCacheName(source, '53214650'));
    expect(codeCacheName(source, 'db0e8ec3')).not.toBe(codeCacheName(source, '53214650'));
    expect(codeCacheName(`${source} `, '53214650')).not.toBe(codeCacheName(source, '53214650'));
  });

  it("reads V8's flag hash as it is now, changed by a flag set at run time as the shards set theirs", () => {
    const before = v8FlagHash();
    expect(before).toMatch(/^[0-9a-f]{8}$/);
    expect(v8FlagHash()).toBe(before);
    try {
      setFlagsFromString('--max-inlined-bytecode-size-cumulative=2000');
      expect(v8FlagHash()).not.toBe(before);
    } finally {
      setFlagsFromString('--max-inlined-bytecode-size-cumulative=920');
    }
    expect(v8FlagHash()).toBe(before);
  });
});
