import { CodedError, EXIT_STATUS } from '../../scenarios/common/coded-error.ts';

/**
 * Errors that stop a drive run (DRV_ERR_*). The run writes what it measured so far before it stops;
 * the command exits with status 3 (the run could not complete), or 2 for bad input.
 */
export const DRIVE_ERRORS = {
  DRV_ERR_TARGET_UNREACHABLE: 'the target server cannot be reached',
  DRV_ERR_TARGET_PROTOCOL: 'the target answers something other than the check-in API',
  DRV_ERR_CLOCK_MISMATCH: "the target's virtual clock does not run at the run's compression",
  DRV_ERR_CANNOT_KEEP_UP: 'the driver fell too far behind its schedule at this compression (lag measured)',
  DRV_ERR_SERVER_START: 'the reference server child process did not start',
} as const;

export type DriveErrorCode = keyof typeof DRIVE_ERRORS;

export class DriveError extends CodedError<DriveErrorCode> {
  constructor(code: DriveErrorCode, message: string) {
    super(code, message, { exitStatus: EXIT_STATUS.runFailed });
  }
}
