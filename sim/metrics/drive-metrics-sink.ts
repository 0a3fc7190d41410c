import type { MetricsData } from './shard-metrics.ts';

/** What a drive run tells a live metrics sink when it starts. */
export interface DriveRunStart {
  /** The run's counts (verdicts, false failures by cause, scores…), updated in place as lives advance; read them, never write. */
  readonly data: MetricsData;
  /** Base URL of the server being driven (the child server's, or --target). */
  readonly targetUrl: string;
  /** Virtual ms per wall ms. */
  readonly compression: number;
  /** A request sent more than this after its due instant counts as late. */
  readonly lateAfterMs: number;
}

/**
 * Hooks a drive run calls as it goes, for live metrics (e.g. Prometheus). Instants are wall ms on the
 * driver's monotonic clock (`performance.now()`), the same the load recorder uses. Each call is on the
 * hot path of the driver: an implementation does a few additions and returns, no I/O, no label lookups.
 */
export interface DriveMetricsSink {
  /** Once, after the fleet is enrolled and before the first request is scheduled. */
  begin(run: DriveRunStart): void;
  /** A check-in request is put on the schedule, due at `dueWallMs`. */
  scheduled(dueWallMs: number): void;
  /** It leaves the driver at `sentWallMs`. */
  sent(dueWallMs: number, sentWallMs: number): void;
  /** Its answer (or failure, named by `errorKind`) arrives at `answeredWallMs`. */
  answered(dueWallMs: number, answeredWallMs: number, errorKind?: string): void;
  /** A failure outside the timed requests, e.g. registering windows. */
  error(kind: string): void;
}
