import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from '../../helpers/cli.ts';
import type { Summary } from '../../../sim/metrics/summary.ts';
import type { SweepDocument } from '../../../sim/sweep/sweep-table.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const root = tempDir('sweep');
const GRID = ['--grid', 'policy.graceMinutes=0,60', '--grid', 'policy.escalateAfterFailedWindows=1,3'];

function sweep(name: string, workers: number) {
  const out = join(root, name);
  const result = runCli(['sweep', 'scenarios/baseline.yaml', ...GRID, '--participants', '1500', '--days', '14', '--seed', '3', '--workers', String(workers), '--out', out]);
  expect(result.status, result.stderr).toBe(0);
  return { out, stdout: result.stdout, csv: readFileSync(join(out, 'sweep.csv')), json: readFileSync(join(out, 'sweep.json')) };
}

describe('sweep command', () => {
  const pooled = sweep('two-workers', 2);

  it('writes one row per point, with 95 % intervals around each rate', () => {
    const document = JSON.parse(pooled.json.toString('utf8')) as SweepDocument;
    expect(document.points).toHaveLength(4);
    expect(document.confidence).toBe(0.95);
    for (const row of document.points) {
      const rates = [row.systemRate, row.deviceRate, row.scheduleRate, row.personRate, row.falseFailureRate, row.peopleAffectedShare, row.falseEscalationsPer1000];
      for (const estimate of rates) {
        expect(estimate.low).toBeLessThanOrEqual(estimate.value!);
        expect(estimate.high).toBeGreaterThanOrEqual(estimate.value!);
      }
      // Rates that may have nothing to divide by are null then, with null bounds.
      for (const estimate of [row.falseAcceptRate, row.escalationPrecision, row.absconderDetectedShare]) {
        if (estimate.value === null) expect([estimate.low, estimate.high]).toEqual([null, null]);
        else expect(estimate.low! <= estimate.value && estimate.value <= estimate.high!).toBe(true);
      }
      expect(row.systemRate.count + row.deviceRate.count + row.scheduleRate.count + row.personRate.count).toBe(row.falseFailureRate.count);
    }
    const lines = pooled.csv.toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^index,policy\.graceMinutes,policy\.escalateAfterFailedWindows,participants,days,complied_windows,impostor_windows,system_rate_count,system_rate,/);
    expect(lines[0]).toContain('system_rate,system_rate_low,system_rate_high,device_rate_count,device_rate,device_rate_low,device_rate_high,schedule_rate_count');
    expect(lines[0]).toContain('person_rate,person_rate_low,person_rate_high,false_failure_rate_count,false_failure_rate,false_failure_rate_low,false_failure_rate_high');
    expect(lines[0]).toContain('escalation_precision,escalation_precision_low,escalation_precision_high');
    expect(pooled.stdout).toContain('false-failure rate, system (95 % CI)');
    expect(pooled.stdout).toContain('all causes');
    expect(pooled.stdout).toMatch(/report: .*report\.html/);
  });

  it("keeps each point's whole summary, whose digest the row repeats", () => {
    const document = JSON.parse(pooled.json.toString('utf8')) as SweepDocument;
    const folders = readdirSync(join(pooled.out, 'points')).sort();
    expect(folders).toEqual(['p00_graceMinutes=0_escalateAfterFailedWindows=1', 'p01_graceMinutes=0_escalateAfterFailedWindows=3', 'p02_graceMinutes=60_escalateAfterFailedWindows=1', 'p03_graceMinutes=60_escalateAfterFailedWindows=3']);
    folders.forEach((folder, index) => {
      const summary = JSON.parse(readFileSync(join(pooled.out, 'points', folder, 'summary.json'), 'utf8')) as Summary;
      expect(summary.digest).toBe(document.points[index]!.digest);
    });
    expect(existsSync(join(pooled.out, 'report.html'))).toBe(true);
  });

  it('gives the same bytes for the same grid and seed, whatever the number of workers', () => {
    const single = sweep('one-worker', 1);
    expect(single.csv.equals(pooled.csv)).toBe(true);
    expect(single.json.equals(pooled.json)).toBe(true);
    expect(readFileSync(join(single.out, 'report.html')).equals(readFileSync(join(pooled.out, 'report.html')))).toBe(true);
  });

  it.each([
    [['--grid', 'policy.faceTreshold=0.3'], "SWP_ERR_GRID_FIELD: policy.faceTreshold: not a field a grid can vary; did you mean 'policy.faceThreshold'?"],
    [['--grid', 'policy.maxAttempts=1', '--workers', '0'], "CLI_ERR_INVALID_FLAG: option '--workers <n>' argument '0' is invalid"],
  ])('refuses %j with exit code 2 and one clear line (every code: sweep-grid.test.ts)', async (flags, message) => {
    const result = await runCliInProcess(['sweep', 'scenarios/baseline.yaml', ...flags, '--participants', '10', '--out', join(root, 'bad')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
