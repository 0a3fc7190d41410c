import { CodedError } from '../../scenarios/common/coded-error.ts';

/**
 * Errors of the command line. Codes are stable (CLI_ERR_*); every one exits with status 2 after
 * printing the code, the flag or field, and what was expected.
 */
export const CLI_ERRORS = {
  CLI_ERR_INVALID_FLAG: 'a flag has a value of the wrong kind or out of range',
  CLI_ERR_USAGE: 'the command line does not parse (unknown command or flag, missing argument)',
  CLI_ERR_OUTPUT: 'the output folder cannot be written',
} as const;

export type CliErrorCode = keyof typeof CLI_ERRORS;

export class CliError extends CodedError<CliErrorCode> {}
