/**
 * The one way to declare an error a user can cause: a stable code (`<AREA>_ERR_*`) callers branch on,
 * a message that names the field (flag, file, run) first, and the status a command exits with when
 * the error stops it. Each area keeps its codes in one table beside a subclass of `CodedError`.
 */

/** The statuses a command ends with: bad input (flags, files), or a run that could not complete. */
export const EXIT_STATUS = { badInput: 2, runFailed: 3 } as const;

export interface CodedErrorOptions {
  /** The field, flag, file or run concerned; the message names it first. */
  readonly field?: string | undefined;
  /** Bad input unless said otherwise. */
  readonly exitStatus?: number;
  /** Whether `message` starts with the code; an HTTP error's does not, for its body carries the code beside it. */
  readonly codeInMessage?: boolean;
}

export class CodedError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly field: string | undefined;
  readonly exitStatus: number;
  /** What a command prints when this error stops it: the code, then the field and the message. */
  readonly line: string;

  constructor(code: Code, message: string, { field, exitStatus = EXIT_STATUS.badInput, codeInMessage = true }: CodedErrorOptions = {}) {
    const detail = field === undefined ? message : `${field}: ${message}`;
    super(codeInMessage ? `${code}: ${detail}` : detail);
    this.name = new.target.name;
    this.code = code;
    this.field = field;
    this.exitStatus = exitStatus;
    this.line = `${code}: ${detail}`;
  }
}

/**
 * The one place a coded error ends a command: prints its line and returns the exit status it asks
 * for. Any other error is not the user's doing, and is thrown on.
 */
export function exitStatusFor(error: unknown, stderr: { write(text: string): unknown } = process.stderr): number {
  if (!(error instanceof CodedError)) throw error;
  stderr.write(`${error.line}\n`);
  return error.exitStatus;
}
