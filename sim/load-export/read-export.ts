import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateScenarioObject } from '../../scenarios/validate.ts';
import { K6ExportError } from './k6-export-errors.ts';
import {
  EXPECTED_SUMMARY_FILE,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  MANIFEST_FILE,
  type AttemptEntry,
  type ChunkRef,
  type Enrolment,
  type ExportManifest,
  type RegistrationBatch,
} from '../../scenarios/k6/lib/export-format.ts';
import type { SummaryJson } from '../../scenarios/k6/lib/k6-summary.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** An export folder read back whole (for the harness's own replay; k6 reads it chunk by chunk). */
export interface LoadedExport {
  dir: string;
  manifest: ExportManifest;
  scenario: Scenario;
  expected: SummaryJson;
  attempts: AttemptEntry[];
  registrations: RegistrationBatch[];
  enrolment: Enrolment[][];
}

export function readExport(directory: string): LoadedExport {
  const dir = resolve(directory);
  const fail = (expected: string): never => {
    throw new K6ExportError('K6X_ERR_NOT_AN_EXPORT', `${dir}: expected ${expected}`);
  };
  if (!existsSync(join(dir, MANIFEST_FILE))) fail(`a folder written by \`checkin-sim export-k6\` (no ${MANIFEST_FILE} there)`);
  const manifest = readJson<ExportManifest>(join(dir, MANIFEST_FILE), fail);
  if (manifest.format !== EXPORT_FORMAT || manifest.version !== EXPORT_VERSION) fail(`${MANIFEST_FILE} of format ${EXPORT_FORMAT} version ${EXPORT_VERSION}`);
  const validated = validateScenarioObject(manifest.scenario);
  if (!validated.ok) fail(`${MANIFEST_FILE} to hold a valid scenario (${validated.issues[0]?.path || 'scenario'}: ${validated.issues[0]?.message ?? ''})`);
  const chunked = <T>(chunks: readonly ChunkRef[], what: string): T[][] =>
    chunks.map((chunk) => {
      const items = readJson<T[]>(join(dir, chunk.file), fail);
      if (!Array.isArray(items) || items.length !== chunk.count) fail(`${chunk.file} to hold the ${chunk.count} ${what} the manifest lists`);
      return items;
    });
  const attempts = chunked<AttemptEntry>(manifest.attempts.chunks, 'attempts').flat();
  if (attempts.length !== manifest.counts.attempts) fail(`${manifest.counts.attempts} attempts in its chunks, found ${attempts.length}`);
  return {
    dir,
    manifest,
    scenario: (validated as { scenario: Scenario }).scenario,
    expected: readJson<SummaryJson>(join(dir, EXPECTED_SUMMARY_FILE), fail),
    attempts,
    registrations: chunked<RegistrationBatch>(manifest.registrations.chunks, 'registration batches').flat(),
    enrolment: chunked<Enrolment>(manifest.enrolment.chunks, 'participants'),
  };
}

function readJson<T>(file: string, fail: (expected: string) => never): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    return fail(`a readable JSON file at ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
