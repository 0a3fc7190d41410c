import { describe, expect, it } from 'vitest';
import { codeCacheName } from '../../../sim/report/code-cache.ts';

describe("the report's V8 code cache", () => {
  it('keeps one cache per set of V8 flags, which V8 checks, and per source', () => {
    const source = '(function () { return 1; })';
    expect(codeCacheName(source, [])).toBe(codeCacheName(source, []));
    expect(codeCacheName(source, ['--single-threaded'])).not.toBe(codeCacheName(source, []));
    expect(codeCacheName(source, ['', '--max-semi-space-size=64'])).not.toBe(codeCacheName(source, ['']));
    expect(codeCacheName(`${source} `, [])).not.toBe(codeCacheName(source, []));
  });
});
