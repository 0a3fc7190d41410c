import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import type { Enrolment, ExportManifest } from '../../../scenarios/k6/lib/export-format.ts';
import { buildPopulation } from '../../../sim/population/population.ts';
import { syntheticPersonalRecord } from '../../../sim/population/profile-card.ts';
import { writeExport } from '../../../sim/load-export/write-export.ts';

const directory = mkdtempSync(join(tmpdir(), 'checkin-sim-k6-records-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('export-k6 enrolment files', () => {
  it('carry each participant\'s synthetic personal record, the same in every export', () => {
    const scenario = loadScenario({ file: 'scenarios/baseline.yaml', overrides: { participants: 300, days: 1, seed: 3 } });
    const exports = ['a', 'b'].map((name) => writeExport(scenario, { outDir: join(directory, name), compression: 10_000, chunkSize: 1_000 }));
    const read = (outDir: string) => {
      const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as ExportManifest;
      return manifest.enrolment.chunks.flatMap((chunk) => JSON.parse(readFileSync(join(outDir, chunk.file), 'utf8')) as Enrolment[]);
    };
    const [first, second] = exports.map(({ outDir }) => read(outDir));
    expect(first).toHaveLength(300);
    expect(second).toEqual(first);
    const population = buildPopulation(scenario, 0, scenario.participants);
    first!.forEach((enrolment, row) => {
      expect(enrolment.participantId).toBe(`p${row}`);
      expect(enrolment.personalRecord).toEqual(syntheticPersonalRecord(scenario.seed, population, row));
    });
  });
});
