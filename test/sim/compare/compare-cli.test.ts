import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/cli.ts';
import type { Comparison } from '../../../sim/compare/compare-summaries.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const root = tempDir('compare');
const small = ['--participants', '2000', '--days', '14', '--seed', '4', '--workers', '1'];

describe('compare command', () => {
  const baseline = join(root, 'baseline');
  const release = join(root, 'bad-release');
  beforeAll(async () => {
    expect((await runCliInProcess(['run', 'scenarios/baseline.yaml', ...small, '--out', baseline])).status).toBe(0);
    expect((await runCliInProcess(['run', 'scenarios/bad-release.yaml', ...small, '--out', release])).status).toBe(0);
  }, 120_000);

  it('prints a table of every headline figure with B − A, its 95 % interval and a verdict', async () => {
    const result = await runCliInProcess(['compare', baseline, join(release, 'summary.json')]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`A: ${baseline} (baseline, sim, seed 4, 2,000 × 14 days)`);
    expect(result.stdout).toContain('95 % CI of B − A');
    const figureRows = result.stdout.split('\n').filter((line) => line.startsWith('│') && !line.startsWith('│ figure'));
    expect(figureRows[0]).toMatch(/^│ false-failure rate, system \(technology\) \(lower is better\).*│ (better|worse|within noise)/);
    expect(figureRows[4]).toMatch(/^│ false-failure rate, all causes \(lower is better\).*│ (better|worse|within noise)/);
    expect(result.stdout).toMatch(/escalation precision \(higher is better\)/);
    expect(result.stdout).toMatch(/B is better on \d+, worse on \d+, within noise on \d+ of 23 figures\./);
  });

  it('prints the same comparison as JSON with --json', async () => {
    const result = await runCliInProcess(['compare', baseline, release, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const comparison = JSON.parse(result.stdout) as Comparison;
    expect(comparison.a.scenario).toBe('baseline');
    expect(comparison.b.scenario).toBe('bad-release');
    expect(comparison.confidence).toBe(0.95);
    expect(comparison.figures).toHaveLength(23);
    expect(comparison.figures.at(-1)!.key).toBe('studyVerificationFalseFailuresPerYear');
    expect(comparison.figures[0]!.key).toBe('systemFalseFailureRate');
  });

  it('refuses a run that is not there with exit code 2, naming it and what was expected (every code: compare-read.test.ts)', async () => {
    const run = join(root, 'nowhere');
    const result = await runCliInProcess(['compare', baseline, run]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^CMP_ERR_NOT_FOUND: ${run.replaceAll('.', '\\.')}: expected `));
    expect(result.stdout).toBe('');
  });
});
