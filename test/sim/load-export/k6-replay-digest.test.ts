import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSummary } from '../../../sim/metrics/summary.ts';
import { writeExport } from '../../../sim/load-export/write-export.ts';
import { replayExport } from '../../../sim/load-export/replay-export.ts';
import { buildSchedule } from '../../../sim/load-export/build-schedule.ts';
import { summarise } from '../../helpers/run.ts';
import { compressionFor, drive, smallScenario } from '../drive/drive-fixtures.ts';

// The first proof: the exported schedule, replayed by the harness's own driver against the
// reference server, gives the digest of the drive run it came from (a fault-free drive run of the same
// scenario at the same compression), and the k6 script's own reckoning of the same answers gives the
// export's expected k6 digest.
describe('an exported schedule replayed by the harness', () => {
  const directory = mkdtempSync(join(tmpdir(), 'checkin-sim-k6-replay-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  // Seed 3: no scheduled attempt comes within 40 virtual minutes of its window's close (69 wall ms
  // here), so no verdict can hang on how fast the server answers in either run (checked below).
  const scenario = smallScenario({ participants: 700, seed: 3 });
  const compression = compressionFor(scenario, 5);

  it('gives the digest of the drive run it came from', async () => {
    const closest = Math.min(...buildSchedule(scenario).attempts.map(({ attempt }) => attempt.windowClosesAt - attempt.at));
    expect(closest / compression).toBeGreaterThan(50);
    const exported = writeExport(scenario, { outDir: join(directory, 'export'), compression, chunkSize: 100 });
    expect(exported.manifest.counts.attempts).toBeGreaterThan(200);
    expect(exported.manifest.attempts.chunks.length).toBeGreaterThan(2);

    const [replayed, driven] = [await replayExport(exported.outDir, { connections: 256, requestTimeoutMs: 10_000, lateAfterMs: 10 }), await drive(scenario, { compression })];
    const driveSummary = buildSummary(scenario, 'drive', driven.metrics, driven.load);
    expect(driven.abortedBy).toBeUndefined();
    expect(driven.load.errors).toEqual({});
    expect(replayed.load.errors).toEqual({});
    expect(replayed.load.requests).toBe(exported.manifest.counts.attempts);
    expect(driven.load.requests).toBe(exported.manifest.counts.attempts);
    expect(replayed.answeredOtherwise).toBe(0);
    expect(replayed.unscheduled).toBe(0);

    expect(replayed.summary.digest).toBe(driveSummary.digest);
    expect(replayed.summary.digest).toBe(exported.manifest.expectation.driveDigest);
    expect(replayed.k6Summary.digest).toBe(exported.manifest.expectation.k6Digest);
    expect(replayed.k6Summary.mode).toBe('k6');

    // The expectation is sim mode's, for a scenario without server faults of its own.
    expect(exported.manifest.expectation.simRunMatches).toBe(true);
    expect((await summarise(scenario)).digest).toBe(exported.manifest.expectation.simDigest);
  }, 90_000);
});
