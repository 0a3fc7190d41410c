import type { FailureCause, Intent, Judgement, SampleModality, Verdict } from '../../vocabulary.ts';

/**
 * The files `checkin-sim export-k6` writes and the k6 scripts read. One folder:
 *
 *   manifest.json                scenario, seed, compression, counts, chunk lists, rate curves, SLO,
 *                                the expectation's digests, VU sizing, notes
 *   expected-summary.json        the fault-free expectation, a summary.json of mode 'k6'
 *   attempts/a-00000.json …      scheduled check-in attempts, in send order (k6 SharedArray chunks)
 *   registrations/r-00000.json … window registrations in bulk batches, in send order
 *   enrolment/e-00000.json …     participants to enrol (id, template, time zone, synthetic personal
 *                                record), one bulk call each
 *   reference-server.json        `checkin-sim serve --config` for the reference server: the scenario's
 *                                policy, its clock at the export's compression, limits sized for load
 *   tokens.json                  written later by scenarios/k6/enrol.ts: each participant's token
 *
 * Times: `offsetMs` is wall ms from the test's instant 0, at the export's compression; instant 0 is
 * virtual time `originVirtualMs` of the scenario: the first window registration's, for nothing is sent
 * before it. A window opening at virtual time v is registered
 * with the server's clock reading for instant (v − originVirtualMs) / compression.
 */

export const EXPORT_FORMAT = 'checkin-sim-k6-export';
export const EXPORT_VERSION = 1;
export const TOKENS_FORMAT = 'checkin-sim-k6-tokens';
export const MANIFEST_FILE = 'manifest.json';
export const EXPECTED_SUMMARY_FILE = 'expected-summary.json';
export const TOKENS_FILE = 'tokens.json';
export const REFERENCE_SERVER_FILE = 'reference-server.json';

// The labels' words are the shared vocabulary's (scenarios/vocabulary.ts; k6 bundles it with the scripts).
export type { Judgement };
/** What a fault-free server answers an attempt: a judgement, or a refusal as too late. */
export type ExpectedOutcome = Judgement | 'too_late' | 'server_error';
/** A window's verdict. */
export type VerdictName = Verdict;
/** The ground truth of a window that sends attempts (an evaded window sends none). */
export type AttemptIntent = Exclude<Intent, 'evaded'>;

/** The ground truth of one scheduled attempt. */
export interface AttemptLabel {
  intent: AttemptIntent;
  /** Index of the window in the participant's schedule, and of the attempt in the window (from 0). */
  window: number;
  attempt: number;
  modality: SampleModality;
  expected: ExpectedOutcome;
  /** The similarity a fault-free server computes (judged attempts). */
  similarity?: number;
  /** Judged attempts of this window before this one. */
  judgedBefore: number;
  /** Whether this is the window's last attempt that reaches the server. */
  last: boolean;
  /** On the last attempt: the window's verdict and cause as scheduled (cause null when verified). */
  windowVerdict?: VerdictName;
  windowCause?: FailureCause | null;
  /** On the last attempt: whether a later attempt failed on the phone (never sent), which then set the cause. */
  causeAfter?: boolean;
}

export interface AttemptEntry {
  offsetMs: number;
  /** Participant row: `participantId` is `p<row>`, its token is tokens[row]. */
  participant: number;
  request: { method: 'POST'; path: string; body: string };
  label: AttemptLabel;
}

interface WindowToRegister {
  participantId: string;
  windowId: string;
  kind: 'scheduled' | 'adhoc';
  /** Virtual time the window opens (the scenario's clock). */
  opensAtMs: number;
}

export interface RegistrationBatch {
  offsetMs: number;
  windows: WindowToRegister[];
}

export interface Enrolment {
  participantId: string;
  template: number[];
  timeZone: string;
  /** Synthetic: a SYN- case number, a 555-01XX phone number (server-stub/personal-record.ts); absent in exports made before it. */
  personalRecord?: PersonalRecord;
}

/** The personal record enrolment carries, as the reference server's schema takes it. */
interface PersonalRecord {
  name: string;
  dateOfBirth: string;
  language: string;
  phoneNumber: string;
  homeAddress: { street: string; city: string; region: string; postalCode: string };
  office: string;
  caseNumber: string;
}

export interface ChunkRef {
  file: string;
  /** Index of the chunk's first item in the whole list. */
  first: number;
  count: number;
  bytes: number;
}

interface RateCurveJson {
  bucketMs: number;
  counts: number[];
}

export interface ManifestScenario {
  name: string;
  seed: number;
  participants: number;
  days: number;
  policy: { maxAttempts: number; faceThreshold: number; voiceThreshold: number; [key: string]: unknown };
  slo: { latencyP99Ms: number; errorRate: number };
  [key: string]: unknown;
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** The scenario as resolved (every default filled in). */
  scenario: ManifestScenario;
  seed: number;
  compression: number;
  originVirtualMs: number;
  /** Wall ms from instant 0 to the last scheduled request. */
  durationMs: number;
  counts: { participants: number; windows: number; attempts: number; registrationBatches: number; enrolmentBatches: number };
  attempts: { chunkSize: number; chunks: ChunkRef[] };
  registrations: { batchSize: number; leadMs: number; chunks: ChunkRef[] };
  enrolment: { batchSize: number; chunks: ChunkRef[] };
  /** Requests per bucket of wall time, from instant 0. */
  rateCurve: { attempts: RateCurveJson; registrations: RateCurveJson };
  /** Scheduled check-in attempts per second, first to last. */
  intendedRps: number;
  slo: { latencyP99Ms: number; errorRate: number };
  k6: { preAllocatedVUs: number; maxVUs: number; registrationVUs: number; requestTimeoutMs: number; lateAfterMs: number };
  expectation: {
    /** The summary file of a run that meets a fault-free server (mode 'k6'). */
    summaryFile: typeof EXPECTED_SUMMARY_FILE;
    /** Its digest as a k6 run (mode 'k6'), as the harness's own driver (mode 'drive') and as sim mode. */
    k6Digest: string;
    driveDigest: string;
    simDigest: string;
    /** Whether `checkin-sim run` of the same scenario and seed gives simDigest (false when the scenario has server faults of its own). */
    simRunMatches: boolean;
  };
  notes: string[];
}

export interface TokensFile {
  format: typeof TOKENS_FORMAT;
  participants: number;
  /** tokens[row] is participant p<row>'s bearer token. */
  tokens: string[];
}

/** Which chunk holds item `index` of a chunked list, and where in it. */
export function locate(chunks: readonly ChunkRef[], index: number): { chunk: number; offset: number } | undefined {
  let low = 0;
  let high = chunks.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const chunk = chunks[middle]!;
    if (index < chunk.first) high = middle - 1;
    else if (index >= chunk.first + chunk.count) low = middle + 1;
    else return { chunk: middle, offset: index - chunk.first };
  }
  return undefined;
}

export function participantIdOf(row: number): string {
  return `p${row}`;
}

/** The route of a check-in path, for tags: one value per route, not one per participant. */
export function routeOf(path: string): string {
  return path.endsWith('/calls') ? '/v1/participants/{id}/calls' : '/v1/participants/{id}/checkins';
}
