import { CodedError } from '../../scenarios/common/coded-error.ts';

/**
 * Errors of the compare command. Codes are stable (CMP_ERR_*) and documented in the command-line
 * table of docs/errors.md (test/sim/cli/cli-error-codes-documented.test.ts holds the two together). Each exits with status 2.
 */
export const COMPARE_ERRORS = {
  CMP_ERR_NOT_FOUND: 'a run to compare is neither a folder holding summary.json nor a readable summary.json',
  CMP_ERR_NOT_A_SUMMARY: 'a file to compare is not a checkin-sim summary.json (not JSON, or fields missing)',
} as const;

export type CompareErrorCode = keyof typeof COMPARE_ERRORS;

/** Its field is the argument (run folder or file) concerned. */
export class CompareError extends CodedError<CompareErrorCode> {}
