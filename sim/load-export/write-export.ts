import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TIME_ZONES } from '../../scenarios/catalog.ts';
import { syntheticPersonalRecord } from '../population/profile-card.ts';
import { enrolledTemplate } from '../population/template.ts';
import { drawShocks } from '../behaviour/shocks.ts';
import { attemptRequest } from '../backends/attempt-request.ts';
import { SampleBasis } from '../backends/sample-vector.ts';
import { syntheticLocation } from '../backends/synthetic-location.ts';
import { buildSummary } from '../metrics/summary.ts';
import { ENROL_BATCH, REGISTRATION_LEAD_MS, WINDOW_BATCH, loadTestServerOptions } from '../drive/load-test-server.ts';
import { buildSchedule, type BuiltSchedule, type ScheduledAttempt, type ScheduledWindow } from './build-schedule.ts';
import { K6ExportError } from './k6-export-errors.ts';
import {
  EXPECTED_SUMMARY_FILE,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  MANIFEST_FILE,
  REFERENCE_SERVER_FILE,
  participantIdOf,
  type AttemptEntry,
  type ChunkRef,
  type Enrolment,
  type ExportManifest,
  type ManifestScenario,
  type RegistrationBatch,
} from '../../scenarios/k6/lib/export-format.ts';
import { bucketMsFor, rateCurveOf, vusFor } from '../../scenarios/k6/lib/rate-stages.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import type { Population } from '../population/population.ts';

/**
 * `checkin-sim export-k6`: the schedule of build-schedule.ts as the files scenarios/k6 reads (see
 * scenarios/k6/lib/export-format.ts). The folder is written whole or not at all: everything goes to a
 * temporary sibling folder, renamed to --out at the end, and removed if anything fails.
 */

interface ExportLimits {
  /** Largest chunk file: k6 parses each whole into a SharedArray. */
  maxChunkBytes: number;
  /** Most attempt chunk files in one export. */
  maxChunks: number;
}

const DEFAULT_LIMITS: ExportLimits = { maxChunkBytes: 64 * 1024 * 1024, maxChunks: 2_000 };
export const DEFAULT_CHUNK_SIZE = 5_000;
const REGISTRATION_BATCHES_PER_CHUNK = 25;
const REQUEST_TIMEOUT_MS = 10_000;
const LATE_AFTER_MS = 10;

export interface ExportOptions {
  outDir: string;
  /** Virtual ms per wall ms. */
  compression: number;
  chunkSize: number;
  limits?: Partial<ExportLimits>;
}

export interface ExportResult {
  outDir: string;
  manifest: ExportManifest;
  files: number;
  bytes: number;
}

const NOTES = [
  'The schedule is what a fault-free server would see: each participant\'s life run against the in-process server (the shared policy), without the scenario\'s own server errors or backend outages, every attempt that reaches the server recorded with its answer as the ground truth.',
  'The schedule is fixed. When the real server fails an attempt, the retry a person would make next is not planned in k6 (it is not in the schedule), and the attempts that follow are sent as scheduled. k6 therefore counts failures per scheduled attempt, and reckons each window from its last scheduled attempt; summary.json applies those shifts to the expectation.',
  'Iteration i of the attempts scenario sends entry i (exec.scenario.iterationInTest), so k6 instances split the schedule with --execution-segment; maxVUs is a multiple of 840 so that up to 8 equal segments each take exactly their share.',
  'Enrol once with scenarios/k6/enrol.ts (it writes tokens.json here), then run scenarios/k6/checkin-load.ts on one or more instances; the server\'s clock must run at the export\'s compression.',
];

/** Writes an export of the scenario; throws K6ExportError (and leaves no file behind) on bad input. */
export function writeExport(scenario: Scenario, options: ExportOptions): ExportResult {
  // Long on purpose: the export's files in the order they are written, so that a refusal leaves none behind.
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const outDir = resolve(options.outDir);
  refuseOccupied(outDir);

  const schedule = buildSchedule(scenario);
  if (schedule.attempts.length === 0) {
    throw new K6ExportError('K6X_ERR_EMPTY_SCHEDULE', `scenario ${scenario.name} (${scenario.participants} participants × ${scenario.days} days, seed ${scenario.seed}): expected at least one attempt that reaches the server, found none`);
  }
  const attemptChunkCount = Math.ceil(schedule.attempts.length / options.chunkSize);
  if (attemptChunkCount > limits.maxChunks) {
    throw new K6ExportError(
      'K6X_ERR_TOO_MANY_CHUNKS',
      `--chunk-size ${options.chunkSize}: the schedule's ${schedule.attempts.length.toLocaleString('en-US')} attempts would need ${attemptChunkCount.toLocaleString('en-US')} chunk files; expected at most ${limits.maxChunks.toLocaleString('en-US')} (raise --chunk-size to at least ${Math.ceil(schedule.attempts.length / limits.maxChunks)}, or export fewer participants or days)`,
    );
  }

  const { compression } = options;
  const leadVirtual = REGISTRATION_LEAD_MS * compression;
  const registrations = registrationBatches(schedule.windows, leadVirtual, schedule.population);
  // Instant 0 is the first registration's: nothing is sent before it (as drive mode's clock starts there).
  const originVirtualMs = Math.floor(registrations[0]?.due ?? 0);
  const offsetOf = (virtual: number) => Math.round(((virtual - originVirtualMs) / compression) * 1000) / 1000;
  const attemptOffsets = schedule.attempts.map(({ attempt }) => offsetOf(attempt.at));
  const registrationOffsets = registrations.map((batch) => offsetOf(batch.due));
  const durationMs = Math.max(attemptOffsets[attemptOffsets.length - 1]!, registrationOffsets[registrationOffsets.length - 1] ?? 0);
  const bucketMs = bucketMsFor(durationMs);
  const attemptCurve = rateCurveOf(attemptOffsets, bucketMs);
  const registrationCurve = rateCurveOf(registrationOffsets, bucketMs);

  mkdirSync(dirname(outDir), { recursive: true });
  const temporary = mkdtempSync(join(dirname(outDir), `.${basename(outDir)}.partial-`));
  let files = 0;
  let bytes = 0;
  /** Writes one chunk file; `fix` says what makes it smaller when it is too large. */
  const writeChunk = (file: string, text: string, items: number, fix: string): ChunkRef['bytes'] => {
    const size = Buffer.byteLength(text);
    if (size > limits.maxChunkBytes) {
      throw new K6ExportError(
        'K6X_ERR_CHUNK_TOO_LARGE',
        `${fix.startsWith('lower --chunk-size') ? `--chunk-size ${options.chunkSize}: ` : ''}${file} would hold ${sizeOf(size)} (${items} items of about ${sizeOf(size / items)}); expected at most ${sizeOf(limits.maxChunkBytes)} per file, what k6 parses at once (${fix})`,
      );
    }
    mkdirSync(dirname(join(temporary, file)), { recursive: true });
    writeFileSync(join(temporary, file), text);
    files++;
    bytes += size;
    return size;
  };
  // Enrolment and registration files hold fixed bulk batches: fewer per file when a limit is tight.
  // A participant: its template, about 24 bytes a number, and its personal record, at most about 700 bytes.
  const enrolBatch = Math.max(1, Math.min(ENROL_BATCH, Math.floor((0.9 * limits.maxChunkBytes) / (scenario.biometrics.dimension * 24 + 800))));
  const registrationsPerChunk = Math.max(1, Math.min(REGISTRATION_BATCHES_PER_CHUNK, Math.floor((0.9 * limits.maxChunkBytes) / (WINDOW_BATCH * 110))));
  try {
    const bases = new Map<number, SampleBasis>();
    const attemptChunks: ChunkRef[] = [];
    for (let first = 0; first < schedule.attempts.length; first += options.chunkSize) {
      const slice = schedule.attempts.slice(first, first + options.chunkSize);
      const entries = slice.map((scheduled, index) => attemptEntry(scenario, schedule, scheduled, attemptOffsets[first + index]!, bases));
      if (bases.size > 50_000) bases.clear(); // ~3 KB each: bounded memory for fleets of millions
      const file = `attempts/a-${String(attemptChunks.length).padStart(5, '0')}.json`;
      attemptChunks.push({ file, first, count: slice.length, bytes: writeChunk(file, JSON.stringify(entries), slice.length, `lower --chunk-size: each attempt carries a ${scenario.biometrics.dimension}-number sample`) });
    }

    const registrationChunks: ChunkRef[] = [];
    for (let first = 0; first < registrations.length; first += registrationsPerChunk) {
      const batches: RegistrationBatch[] = registrations.slice(first, first + registrationsPerChunk).map((batch, index) => ({ offsetMs: registrationOffsets[first + index]!, windows: batch.windows }));
      const file = `registrations/r-${String(registrationChunks.length).padStart(5, '0')}.json`;
      registrationChunks.push({ file, first, count: batches.length, bytes: writeChunk(file, JSON.stringify(batches), batches.length, `a bulk registration of ${WINDOW_BATCH} windows is the smallest file`) });
    }

    const enrolmentChunks: ChunkRef[] = [];
    for (let first = 0; first < schedule.population.size; first += enrolBatch) {
      const batch: Enrolment[] = Array.from({ length: Math.min(enrolBatch, schedule.population.size - first) }, (_, index) => {
        const row = first + index;
        return {
          participantId: participantIdOf(schedule.population.idOf(row)),
          template: Array.from(enrolledTemplate(scenario.seed, schedule.population.idOf(row), scenario.biometrics.dimension)),
          timeZone: TIME_ZONES[schedule.population.timeZone[row]!]!.name,
          personalRecord: syntheticPersonalRecord(scenario.seed, schedule.population, row),
        };
      });
      const file = `enrolment/e-${String(enrolmentChunks.length).padStart(5, '0')}.json`;
      enrolmentChunks.push({ file, first, count: batch.length, bytes: writeChunk(file, JSON.stringify(batch), batch.length, `one participant's ${scenario.biometrics.dimension}-number template is the smallest item`) });
    }

    const expected = buildSummary(scenario, 'k6', schedule.metrics);
    writeFileSync(join(temporary, EXPECTED_SUMMARY_FILE), `${JSON.stringify(expected, null, 2)}\n`);
    const shocks = drawShocks(scenario);
    const vus = vusFor(attemptCurve, REQUEST_TIMEOUT_MS);
    const spanS = (attemptOffsets[attemptOffsets.length - 1]! - attemptOffsets[0]!) / 1000;
    const manifest: ExportManifest = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      scenario: scenario as unknown as ManifestScenario,
      seed: scenario.seed,
      compression,
      originVirtualMs,
      durationMs,
      counts: {
        participants: schedule.population.size,
        windows: schedule.windows.length,
        attempts: schedule.attempts.length,
        registrationBatches: registrations.length,
        enrolmentBatches: enrolmentChunks.length,
      },
      attempts: { chunkSize: options.chunkSize, chunks: attemptChunks },
      registrations: { batchSize: WINDOW_BATCH, leadMs: REGISTRATION_LEAD_MS, chunks: registrationChunks },
      enrolment: { batchSize: enrolBatch, chunks: enrolmentChunks },
      rateCurve: { attempts: attemptCurve, registrations: registrationCurve },
      intendedRps: Math.round((schedule.attempts.length / Math.max(spanS, 1e-3)) * 1000) / 1000,
      slo: { latencyP99Ms: scenario.slo.latencyP99Ms, errorRate: scenario.slo.errorRate },
      k6: { ...vus, registrationVUs: vusFor(registrationCurve, REQUEST_TIMEOUT_MS).preAllocatedVUs, requestTimeoutMs: REQUEST_TIMEOUT_MS, lateAfterMs: LATE_AFTER_MS },
      expectation: {
        summaryFile: EXPECTED_SUMMARY_FILE,
        k6Digest: expected.digest,
        driveDigest: buildSummary(scenario, 'drive', schedule.metrics).digest,
        simDigest: buildSummary(scenario, 'sim', schedule.metrics).digest,
        simRunMatches: scenario.backend.errorRate === 0 && shocks.backendOutages.length === 0,
      },
      notes: NOTES,
    };
    writeFileSync(join(temporary, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(temporary, REFERENCE_SERVER_FILE), `${JSON.stringify(loadTestServerOptions(scenario, compression), null, 2)}\n`);
    files += 3;
    chmodSync(temporary, 0o755);
    renameSync(temporary, outDir);
    return { outDir, manifest, files, bytes };
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (error as NodeJS.ErrnoException).code === 'EEXIST') refuseOccupied(outDir);
    throw error;
  }
}

/** An export goes to a folder that does not exist yet, or is empty. */
function refuseOccupied(outDir: string): void {
  let entries: string[];
  try {
    if (!statSync(outDir).isDirectory()) throw new K6ExportError('K6X_ERR_OUT_NOT_EMPTY', `--out ${outDir}: expected a folder to create (or an empty one); a file is there`);
    entries = readdirSync(outDir);
  } catch (error) {
    if (error instanceof K6ExportError) throw error;
    return;
  }
  if (entries.length === 0) return;
  if (entries.includes(MANIFEST_FILE)) {
    let what = 'another export';
    try {
      const other = JSON.parse(readFileSync(join(outDir, MANIFEST_FILE), 'utf8')) as Partial<ExportManifest>;
      if (other.format === EXPORT_FORMAT) what = `another export (scenario ${other.scenario?.name}, seed ${other.seed}, ×${other.compression})`;
    } catch {
      // an unreadable manifest is still one we will not overwrite
    }
    throw new K6ExportError('K6X_ERR_OUT_NOT_EMPTY', `--out ${outDir}: holds ${what}; expected a new or empty folder (remove it, or choose another --out)`);
  }
  throw new K6ExportError('K6X_ERR_OUT_NOT_EMPTY', `--out ${outDir}: holds ${entries.length} file(s) that are not an export (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); expected a new or empty folder`);
}

function sizeOf(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function attemptEntry(scenario: Scenario, schedule: BuiltSchedule, scheduled: ScheduledAttempt, offsetMs: number, bases: Map<number, SampleBasis>): AttemptEntry {
  const { row, attempt, label } = scheduled;
  let basis = bases.get(row);
  const participant = schedule.population.idOf(row);
  if (!basis) bases.set(row, (basis = new SampleBasis(enrolledTemplate(scenario.seed, participant, scenario.biometrics.dimension))));
  const request = attemptRequest(participantIdOf(participant), attempt, basis.vectorFor(attempt.sample), attempt.modality === 'face' ? syntheticLocation(scenario.seed, participant, schedule.population.timeZone[row]!) : undefined);
  return { offsetMs, participant: row, request: { method: 'POST', ...request }, label };
}

/** Windows in registration batches sorted by opening, each due `leadVirtual` before its first window opens (as drive mode). */
function registrationBatches(windows: readonly ScheduledWindow[], leadVirtual: number, population: Population): { due: number; windows: RegistrationBatch['windows'] }[] {
  const sorted = [...windows].sort((a, b) => a.window.opensAt - b.window.opensAt || a.row - b.row);
  const batches: { due: number; windows: RegistrationBatch['windows'] }[] = [];
  for (let first = 0; first < sorted.length; first += WINDOW_BATCH) {
    const slice = sorted.slice(first, first + WINDOW_BATCH);
    batches.push({
      due: slice[0]!.window.opensAt - leadVirtual,
      windows: slice.map(({ row, index, window }) => ({ participantId: participantIdOf(population.idOf(row)), windowId: String(index), kind: window.kind, opensAtMs: window.opensAt })),
    });
  }
  return batches;
}
