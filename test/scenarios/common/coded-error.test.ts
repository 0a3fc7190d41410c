import { describe, expect, it } from 'vitest';
import { CodedError, EXIT_STATUS, exitStatusFor } from '../../../scenarios/common/coded-error.ts';

class ExampleError extends CodedError<'EXM_ERR_ONE'> {}

function stderr() {
  const written: string[] = [];
  return { written, write: (text: string) => written.push(text) };
}

describe('coded errors', () => {
  it('put the code, then the field, before the message', () => {
    const error = new ExampleError('EXM_ERR_ONE', 'expected a number, got "x"', { field: '--days' });
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code, error.field, error.message, error.line]).toEqual([
      'ExampleError',
      'EXM_ERR_ONE',
      '--days',
      'EXM_ERR_ONE: --days: expected a number, got "x"',
      'EXM_ERR_ONE: --days: expected a number, got "x"',
    ]);
    expect(new ExampleError('EXM_ERR_ONE', 'no field').message).toBe('EXM_ERR_ONE: no field');
  });

  it('leave the code out of the message when asked, but not out of the line a command prints', () => {
    const error = new ExampleError('EXM_ERR_ONE', 'is required', { field: 'body.id', codeInMessage: false });
    expect(error.message).toBe('body.id: is required');
    expect(error.line).toBe('EXM_ERR_ONE: body.id: is required');
  });

  it('end a command with their exit status, bad input unless they say otherwise, after printing their line', () => {
    const out = stderr();
    expect(exitStatusFor(new ExampleError('EXM_ERR_ONE', 'bad'), out)).toBe(EXIT_STATUS.badInput);
    expect(exitStatusFor(new ExampleError('EXM_ERR_ONE', 'stopped', { exitStatus: EXIT_STATUS.runFailed }), out)).toBe(3);
    expect(out.written).toEqual(['EXM_ERR_ONE: bad\n', 'EXM_ERR_ONE: stopped\n']);
  });

  it('throw on any other error, which is not the user’s doing', () => {
    const out = stderr();
    const bug = new TypeError('x is undefined');
    expect(() => exitStatusFor(bug, out)).toThrow(bug);
    expect(out.written).toEqual([]);
  });
});
