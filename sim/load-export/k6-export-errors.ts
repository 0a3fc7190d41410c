import { CodedError } from '../../scenarios/common/coded-error.ts';

/**
 * Errors of `checkin-sim export-k6` and `checkin-sim replay` (K6X_ERR_*). Codes are stable; each is
 * bad input: the command prints the code, the flag or file, and what was expected, and exits with
 * status 2, having written nothing (an export is built in a temporary folder and renamed at the end).
 */
export const K6_EXPORT_ERRORS = {
  K6X_ERR_CHUNK_TOO_LARGE: 'a chunk file of the schedule would exceed the size k6 loads at once (lower --chunk-size)',
  K6X_ERR_TOO_MANY_CHUNKS: 'the schedule would need more chunk files than an export holds (raise --chunk-size, or export fewer participants or days)',
  K6X_ERR_OUT_NOT_EMPTY: 'the --out folder already holds another export, or other files',
  K6X_ERR_EMPTY_SCHEDULE: 'the scenario sends no check-in attempt to the server: there is nothing to export',
  K6X_ERR_NOT_AN_EXPORT: 'the folder to replay is not a complete export written by export-k6',
} as const;

export type K6ExportErrorCode = keyof typeof K6_EXPORT_ERRORS;

export class K6ExportError extends CodedError<K6ExportErrorCode> {}
