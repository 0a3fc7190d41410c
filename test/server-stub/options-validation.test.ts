import { describe, expect, it } from 'vitest';
import { buildServer } from '../../server-stub/build-server.ts';
import { ServerError } from '../../server-stub/errors.ts';
import { resolveOptions } from '../../server-stub/options.ts';

describe('server options', () => {
  it('fills every default from the schema and freezes the result', () => {
    const options = resolveOptions({});
    expect(options).toMatchObject({
      dimension: 128,
      location: { precisionDeg: 0.01, retentionDays: 30 },
      clock: { factor: 1 },
      dbSynchronous: 'normal',
      logLevel: 'silent',
      faults: { latency: { fixedMs: 0, jitterMs: 0 }, outages: [] },
    });
    expect(options.policy.maxAttempts).toBeGreaterThanOrEqual(1);
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen(options.policy)).toBe(true);
    expect(Object.isFrozen(options.faults.outages)).toBe(true);
  });

  it("leaves the caller's object alone", () => {
    const input = { clock: { factor: 2 } };
    resolveOptions(input);
    expect(input).toEqual({ clock: { factor: 2 } });
  });

  it('names the field and what was expected, with SRV_ERR_OPTIONS', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ dimenson: 64 }, 'dimenson', /is not a known field/],
      [{ clock: { factor: 0 } }, 'clock.factor', /expected a number > 0/],
      [{ policy: { maxAttempts: 1.5 } }, 'policy.maxAttempts', /expected integer/],
      [{ dbSynchronous: 'sometimes' }, 'dbSynchronous', /expected one of: "normal", "full"/],
      [{ officerToken: 'short' }, 'officerToken', /at least 16 characters/],
      [{ faults: { outages: [{ fromMs: 1 }] } }, 'faults.outages[0].toMs', /is required/],
    ];
    for (const [input, field, message] of cases) {
      let caught: unknown;
      try {
        resolveOptions(input as never);
      } catch (error) {
        caught = error;
      }
      expect(caught, field).toBeInstanceOf(ServerError);
      expect((caught as ServerError).code).toBe('SRV_ERR_OPTIONS');
      expect((caught as ServerError).field).toBe(field);
      expect((caught as ServerError).message).toMatch(message);
      expect((caught as ServerError).message.startsWith(`${field}: `)).toBe(true);
    }
  });

  it('refuses bad options before building anything', () => {
    expect(() => buildServer({ bodyLimitBytes: 1 })).toThrow(/bodyLimitBytes: expected a number ≥ 1024/);
  });
});
