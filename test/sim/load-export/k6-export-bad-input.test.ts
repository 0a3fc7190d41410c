import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { writeExport } from '../../../sim/load-export/write-export.ts';
import { replayExport } from '../../../sim/load-export/replay-export.ts';
import { K6ExportError } from '../../../sim/load-export/k6-export-errors.ts';
import { runCliInProcess } from '../../helpers/cli.ts';

const directory = mkdtempSync(join(tmpdir(), 'checkin-sim-k6-bad-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const small = (overrides: Record<string, unknown> = {}) => loadScenario({ file: 'scenarios/baseline.yaml', overrides: { participants: 300, days: 2, seed: 3, ...overrides } });
/** What a folder holds, temporary siblings included: nothing half-done may be left behind. */
const listing = () => readdirSync(directory).sort();

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof K6ExportError) return error.code;
    throw error;
  }
  return undefined;
}

describe('export-k6 refuses what it cannot export whole, and writes nothing half-done', () => {
  it('a schedule needing more chunk files than an export holds: K6X_ERR_TOO_MANY_CHUNKS, exit 2, no folder', async () => {
    const out = join(directory, 'too-many');
    const result = await runCliInProcess(['export-k6', '--participants', '3000', '--days', '7', '--chunk-size', '1', '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^K6X_ERR_TOO_MANY_CHUNKS: --chunk-size 1: the schedule's [\d,]+ attempts would need [\d,]+ chunk files; expected at most 2,000 \(raise --chunk-size to at least \d+/);
    expect(existsSync(out)).toBe(false);
    expect(listing().filter((name) => name.includes('too-many'))).toEqual([]);
  });

  it('a chunk larger than k6 should load at once: K6X_ERR_CHUNK_TOO_LARGE, and the partial folder is removed', () => {
    const out = join(directory, 'too-large');
    const scenario = small({ participants: 700 });
    const limits = { maxChunkBytes: 256 * 1024 };
    // 200 attempts of ~3 KB each do not fit in 256 KiB: the first chunk file would be too large.
    expect(codeOf(() => writeExport(scenario, { outDir: out, compression: 3000, chunkSize: 200, limits }))).toBe('K6X_ERR_CHUNK_TOO_LARGE');
    expect(() => writeExport(scenario, { outDir: out, compression: 3000, chunkSize: 200, limits })).toThrow(
      /^K6X_ERR_CHUNK_TOO_LARGE: --chunk-size 200: attempts\/a-00000\.json would hold [\d.]+ KiB \(200 items of about [\d.]+ KiB\); expected at most 256\.0 KiB per file, what k6 parses at once \(lower --chunk-size: each attempt carries a 128-number sample\)$/,
    );
    expect(existsSync(out)).toBe(false);
    expect(listing().filter((name) => name.includes('too-large'))).toEqual([]);
    // The same schedule in smaller chunks fits, and so do its enrolment files, split to the limit.
    const fitted = writeExport(scenario, { outDir: out, compression: 3000, chunkSize: 50, limits }).manifest;
    expect(fitted.attempts.chunks.length).toBeGreaterThan(2);
    expect(fitted.enrolment.chunks.length).toBeGreaterThan(2);
    expect(Math.max(...[...fitted.attempts.chunks, ...fitted.enrolment.chunks, ...fitted.registrations.chunks].map((chunk) => chunk.bytes))).toBeLessThanOrEqual(limits.maxChunkBytes);
  });

  it('an --out folder that holds another export: K6X_ERR_OUT_NOT_EMPTY, exit 2, the export left as it was', async () => {
    const out = join(directory, 'occupied');
    expect((await runCliInProcess(['export-k6', '--participants', '200', '--days', '1', '--out', out])).status).toBe(0);
    const manifest = readFileSync(join(out, 'manifest.json'), 'utf8');
    const before = readdirSync(out, { recursive: true }).sort();
    const result = await runCliInProcess(['export-k6', 'scenarios/monday-surge.yaml', '--participants', '200', '--days', '1', '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`K6X_ERR_OUT_NOT_EMPTY: --out ${out}: holds another export (scenario baseline, seed 42, ×1440); expected a new or empty folder (remove it, or choose another --out)\n`);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(readdirSync(out, { recursive: true }).sort()).toEqual(before);
    expect(listing().filter((name) => name.includes('occupied'))).toEqual(['occupied']);
  });

  it('an --out folder with other files in it is refused too; an empty one is used', () => {
    const out = join(directory, 'other-files');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expect(codeOf(() => writeExport(small(), { outDir: out, compression: 3000, chunkSize: 500 }))).toBe('K6X_ERR_OUT_NOT_EMPTY');
    expect(readdirSync(out)).toEqual(['notes.txt']);
    const empty = join(directory, 'empty');
    mkdirSync(empty);
    expect(writeExport(small(), { outDir: empty, compression: 3000, chunkSize: 500 }).manifest.counts.attempts).toBeGreaterThan(0);
    expect(readdirSync(empty).sort()).toEqual(['attempts', 'enrolment', 'expected-summary.json', 'manifest.json', 'reference-server.json', 'registrations']);
  });

  it('a scenario whose schedule sends nothing: K6X_ERR_EMPTY_SCHEDULE', () => {
    // One day starting on a Monday, every check-in on a Sunday and no ad-hoc prompt: no window, no attempt.
    const quiet = small({ days: 1, 'schedule.checkInWeekday': 'sunday', 'schedule.adHocPromptsPerWeek': 0 });
    expect(codeOf(() => writeExport(quiet, { outDir: join(directory, 'quiet'), compression: 3000, chunkSize: 500 }))).toBe('K6X_ERR_EMPTY_SCHEDULE');
    expect(existsSync(join(directory, 'quiet'))).toBe(false);
  });

  it('replaying a folder that is not an export: K6X_ERR_NOT_AN_EXPORT, exit 2', async () => {
    await expect(replayExport(join(directory, 'other-files'), { connections: 1, requestTimeoutMs: 1000, lateAfterMs: 10 })).rejects.toThrow(
      /^K6X_ERR_NOT_AN_EXPORT: .*other-files: expected a folder written by `checkin-sim export-k6` \(no manifest\.json there\)$/,
    );
    const result = await runCliInProcess(['replay', join(directory, 'other-files')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('K6X_ERR_NOT_AN_EXPORT');
  });
});
