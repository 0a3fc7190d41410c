import { performance } from 'node:perf_hooks';
import { DriveError } from '../backends/drive-errors.ts';
import type { HttpBackend } from '../backends/http.ts';

/**
 * Maps the scenario's virtual time to the driver's wall clock: scenario instant `origin` is due at
 * wall instant `wallAtOrigin` (monotonic ms) and time runs `compression` times faster than the wall.
 * The server's virtual clock runs at the same factor and reads `serverAtOrigin` at that instant.
 */
export class DriveClock {
  constructor(
    readonly compression: number,
    readonly origin: number,
    readonly wallAtOrigin: number,
    readonly serverAtOrigin: number,
  ) {}

  /** Wall instant (performance.now() ms) at which scenario instant `virtual` is due. */
  wallAt(virtual: number): number {
    return this.wallAtOrigin + (virtual - this.origin) / this.compression;
  }

  /** Scenario instant now. */
  virtualNow(): number {
    return this.origin + (performance.now() - this.wallAtOrigin) * this.compression;
  }

  /** The server's virtual time for a scenario instant. */
  toServer(virtual: number): number {
    return Math.round(virtual - this.origin + this.serverAtOrigin);
  }
}

/** Wall ms between the clock's alignment and the first instant due. */
const START_LEAD_MS = 2_000;

/** A clock that starts `origin` START_LEAD_MS from now, aligned with the target's virtual clock. */
export async function startClock(backend: HttpBackend, compression: number, origin: number): Promise<DriveClock> {
  const serverNow = await backend.serverNow();
  return new DriveClock(compression, origin, performance.now() + START_LEAD_MS, serverNow + START_LEAD_MS * compression);
}

/**
 * The target's clock must run at the run's compression, or windows would open and close out of step.
 * `compressionName` says where the compression came from (`--compression`, `the export's compression`).
 */
export async function checkClockFactor(backend: HttpBackend, compression: number, compressionName: string): Promise<void> {
  const wallBefore = performance.now();
  const before = await backend.serverNow();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = await backend.serverNow();
  const measured = (after - before) / (performance.now() - wallBefore);
  if (Math.abs(measured / compression - 1) > 0.25) {
    throw new DriveError(
      'DRV_ERR_CLOCK_MISMATCH',
      `the target's virtual clock runs at about ×${measured.toPrecision(3)} but ${compressionName} is ${compression}; start the server with --clock-factor ${compression}`,
    );
  }
}
