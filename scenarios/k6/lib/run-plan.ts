import { thresholdsFor, SUMMARY_TREND_STATS } from './k6-metrics.ts';
import { arrivalPlanOf, k6Stages, roundUpToSegmentLcm } from './rate-stages.ts';
import { executionTuple, tupleForValue } from './execution-segments.ts';
import type { ExportManifest } from './export-format.ts';

/**
 * What the k6 entry script needs from the export and its environment, worked out in plain code:
 * the options (scenarios, stages, VUs, thresholds, tags), where each request falls in wall time and
 * on the server's clock, and the share of the schedule this instance runs.
 */

export interface RunEnvironment {
  /** Absolute path of the export folder. */
  exportDir: string;
  /** Base URL of the server under test. */
  target: string;
  officerToken: string;
  /** The `run` label of every series (default <scenario>-seed<seed>-k6). */
  runLabel: string;
  preAllocatedVUs?: number;
  maxVUs?: number;
  requestTimeoutMs: number;
}

/** Reads the run's settings from k6's `__ENV`; throws with what was expected. */
export function runEnvironment(env: Record<string, string | undefined>): RunEnvironment {
  const exportDir = env.EXPORT_DIR ?? '';
  if (!exportDir.startsWith('/')) {
    throw new Error(
      `EXPORT_DIR: expected the absolute path of a folder written by \`checkin-sim export-k6\` (-e EXPORT_DIR=/abs/path), got "${exportDir}" (k6 opens relative paths from the script's folder and writes them from the working directory)`,
    );
  }
  const positive = (name: string): number | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${name}: expected an integer ≥ 1, got "${value}"`);
    return parsed;
  };
  const target = (env.TARGET ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(target)) throw new Error(`TARGET: expected the server's base URL (http://host:port), got "${env.TARGET}"`);
  const preAllocatedVUs = positive('PRE_ALLOCATED_VUS');
  const maxVUs = positive('MAX_VUS');
  return {
    exportDir: exportDir.replace(/\/+$/, ''),
    target,
    officerToken: env.OFFICER_TOKEN ?? '',
    runLabel: env.RUN_LABEL ?? 'checkin-sim-k6',
    ...(preAllocatedVUs !== undefined && { preAllocatedVUs }),
    ...(maxVUs !== undefined && { maxVUs: roundUpToSegmentLcm(maxVUs) }),
    requestTimeoutMs: positive('REQUEST_TIMEOUT_MS') ?? 10_000,
  };
}

export function defaultRunLabel(manifest: ExportManifest): string {
  return `${manifest.scenario.name}-seed${manifest.seed}-k6`;
}

/** k6's default system tags without `scenario` (the checkin-sim scenario takes that label) and `url` (one per participant). */
const SYSTEM_TAGS = ['proto', 'subproto', 'status', 'method', 'name', 'group', 'check', 'error', 'error_code', 'tls_version', 'service', 'expected_response'];

/** The options of scenarios/k6/checkin-load.ts. */
export function loadOptions(manifest: ExportManifest, env: RunEnvironment) {
  const attempts = arrivalPlanOf(manifest.rateCurve.attempts);
  const registrations = arrivalPlanOf(manifest.rateCurve.registrations);
  const gracefulStop = `${Math.ceil((2 * manifest.rateCurve.attempts.bucketMs + env.requestTimeoutMs) / 1000) + 1}s`;
  const preAllocatedVUs = env.preAllocatedVUs ?? manifest.k6.preAllocatedVUs;
  const maxVUs = Math.max(env.maxVUs ?? manifest.k6.maxVUs, roundUpToSegmentLcm(preAllocatedVUs));
  return {
    scenarios: {
      attempts: {
        executor: 'ramping-arrival-rate' as const,
        exec: 'attempt',
        startRate: attempts.startRate,
        timeUnit: `${attempts.timeUnitMs}ms`,
        stages: k6Stages(attempts),
        preAllocatedVUs,
        maxVUs,
        gracefulStop,
        tags: { phase: 'attempts' },
      },
      registrations: {
        executor: 'ramping-arrival-rate' as const,
        exec: 'registration',
        startRate: registrations.startRate,
        timeUnit: `${registrations.timeUnitMs}ms`,
        stages: k6Stages(registrations),
        preAllocatedVUs: manifest.k6.registrationVUs,
        maxVUs: roundUpToSegmentLcm(manifest.k6.registrationVUs),
        gracefulStop,
        tags: { phase: 'registrations' },
      },
    },
    thresholds: thresholdsFor(manifest.slo),
    summaryTrendStats: SUMMARY_TREND_STATS,
    systemTags: SYSTEM_TAGS,
    tags: { run: env.runLabel, scenario: manifest.scenario.name },
    setupTimeout: '2m',
    handleSummaryTimeout: '2m',
  };
}

/** Setup's reading of the server's clock: server virtual ms and wall (Unix) ms at the same moment. */
export interface ClockReading {
  serverMs: number;
  wallMs: number;
}

/**
 * The wall instant (Unix ms) of the schedule's instant 0: one bucket after setup ends, when both
 * scenarios start (see rate-stages.ts). Setup fixes it once, so that the windows registered and the
 * attempts sent map to the server's clock alike.
 */
export function instantZeroWallMs(setupEndWallMs: number, bucketMs: number): number {
  return setupEndWallMs + bucketMs;
}

/** The server's clock reading at the wall instant a scenario instant maps to: what a window's `openedAt` is. */
export function serverTimeOf(reading: ClockReading, zeroWallMs: number, manifest: Pick<ExportManifest, 'compression' | 'originVirtualMs'>, virtualMs: number): number {
  return Math.round(reading.serverMs + (zeroWallMs - reading.wallMs) * manifest.compression + (virtualMs - manifest.originVirtualMs));
}

/** The server's clock rate measured between two readings, in virtual ms per wall ms. */
export function measuredFactor(first: ClockReading, second: ClockReading): number {
  return (second.serverMs - first.serverMs) / Math.max(1, second.wallMs - first.wallMs);
}

/** Whether the target's clock runs at the export's compression (within 25 %, as drive mode checks). */
export function clockMatches(measured: number, compression: number): boolean {
  return Math.abs(measured / compression - 1) <= 0.25;
}

/** This instance's share of the schedule: its segment, the sequence, and how many attempts fall to it. */
export function instanceShare(
  options: { executionSegment?: string | null; executionSegmentSequence?: string | null },
  maxVUs: number,
  totalAttempts: number,
): { segment: string; sequence: string; scheduledAttempts: number } {
  const tuple = tupleForValue(executionTuple(options.executionSegment, options.executionSegmentSequence), maxVUs);
  return {
    segment: options.executionSegment || '0:1',
    sequence: options.executionSegmentSequence || '',
    scheduledAttempts: tuple.sequence.scale(tuple.index, totalAttempts),
  };
}
