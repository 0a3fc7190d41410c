import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../scenarios/common/deep-freeze.ts';

describe('deepFreeze', () => {
  it('freezes the value and everything it holds, and returns the same object', () => {
    const options = { http: { timeouts: [1, 2] }, name: 'x', none: null };
    expect(deepFreeze(options)).toBe(options);
    expect([options, options.http, options.http.timeouts].every(Object.isFrozen)).toBe(true);
    expect(() => {
      (options.http.timeouts as number[]).push(3);
    }).toThrow(TypeError);
  });

  it('leaves primitives and null alone', () => {
    expect(deepFreeze(3)).toBe(3);
    expect(deepFreeze(null)).toBe(null);
    expect(deepFreeze('text')).toBe('text');
  });
});
