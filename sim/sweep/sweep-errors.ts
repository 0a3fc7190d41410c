import { CodedError } from '../../scenarios/common/coded-error.ts';

/**
 * Errors of the sweep command. Codes are stable (SWP_ERR_*) and documented in the command-line table
 * of docs/errors.md (test/sim/cli/cli-error-codes-documented.test.ts holds the two together). Each exits with status 2.
 */
export const SWEEP_ERRORS = {
  SWP_ERR_GRID_SYNTAX: 'a --grid is not of the form field=value,value,…',
  SWP_ERR_GRID_FIELD: 'a grid field is not a number, boolean or text field of the scenario schema, or is given twice',
  SWP_ERR_GRID_VALUE: 'a grid value is not of its field’s type or breaks the schema',
  SWP_ERR_NO_GRID: 'no --grid was given and the scenario has no sweep.grid',
} as const;

export type SweepErrorCode = keyof typeof SWEEP_ERRORS;

/** Its field, when there is one, is the grid field concerned. */
export class SweepError extends CodedError<SweepErrorCode> {}
