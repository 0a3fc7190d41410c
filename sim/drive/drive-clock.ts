import { performance } from 'node:perf_hooks';

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
