import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { integerFlag, namedIntegerFlag, namedNumberFlag, positiveNumberFlag, urlFlag } from '../../../scenarios/common/flag-parsers.ts';

/** The message a parser refuses `value` with. */
function refusal(parse: (value: string) => unknown, value: string): string {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${value}`);
}

describe('flag parsers', () => {
  it('integerFlag: a safe integer at or above its minimum', () => {
    expect(integerFlag(1)(' 42 ')).toBe(42);
    expect(refusal(integerFlag(1), '1.5')).toBe('expected an integer ≥ 1, got "1.5"');
    expect(refusal(integerFlag(1), '0')).toBe('expected an integer ≥ 1, got 0');
    expect(refusal(integerFlag(0), '9007199254740993')).toBe('expected an integer ≥ 0, got 9007199254740993');
  });

  it('positiveNumberFlag: a finite number > 0', () => {
    expect(positiveNumberFlag('1e3')).toBe(1000);
    expect(refusal(positiveNumberFlag, '0')).toBe('expected a number > 0, got "0"');
    expect(refusal(positiveNumberFlag, ' ')).toBe('expected a number > 0, got " "');
  });

  it('urlFlag: an http or https origin', () => {
    expect(urlFlag('http://127.0.0.1:8080/path')).toBe('http://127.0.0.1:8080');
    expect(refusal(urlFlag, 'ftp://host')).toBe('expected an http:// or https:// URL, got "ftp://host"');
    expect(refusal(urlFlag, 'host:80')).toBe('expected an http:// or https:// URL, got "host:80"');
  });

  it("serve's parsers name their flag", () => {
    expect(namedNumberFlag('--threshold')('0.4')).toBe(0.4);
    expect(refusal(namedNumberFlag('--threshold'), 'abc')).toBe("--threshold: expected a number, got 'abc'");
    expect(namedIntegerFlag('--port', 0, 65_535)('8080')).toBe(8080);
    expect(refusal(namedIntegerFlag('--port', 0, 65_535), '-1')).toBe("--port: expected an integer in 0..65535, got '-1'");
    expect(refusal(namedIntegerFlag('--port', 0, 65_535), '70000')).toBe("--port: expected an integer in 0..65535, got '70000'");
  });
});
