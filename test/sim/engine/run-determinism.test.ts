import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { digestOfSummary, type Summary } from '../../../sim/metrics/summary.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const root = tempDir('determinism');
const small = ['--participants', '3000', '--days', '14'];

function run(name: string, extra: string[]) {
  const out = join(root, name);
  const result = runCli(['run', 'scenarios/baseline.yaml', ...small, '--out', out, '--events', ...extra]);
  expect(result.status, result.stderr).toBe(0);
  const lastLine = result.stdout.trimEnd().split('\n').at(-1)!;
  const summaryBytes = readFileSync(join(out, 'summary.json'));
  return {
    lastLine,
    summaryBytes,
    summary: JSON.parse(summaryBytes.toString('utf8')) as Summary,
    eventBytes: readFileSync(join(out, 'events.ndjson')),
  };
}

describe('determinism of the run command', () => {
  const first = run('first', ['--seed', '7', '--workers', '1']);

  it('prints the digest on the last line, and it is the digest of summary.json', () => {
    expect(first.lastLine).toBe(`digest ${first.summary.digest}`);
    expect(digestOfSummary(first.summary)).toBe(first.summary.digest);
  });

  it('gives identical summary.json and events.ndjson bytes for one seed', () => {
    const second = run('second', ['--seed', '7', '--workers', '1']);
    expect(second.summaryBytes.equals(first.summaryBytes)).toBe(true);
    expect(second.eventBytes.equals(first.eventBytes)).toBe(true);
    expect(first.eventBytes.length).toBeGreaterThan(100_000);
  });

  it('gives the same results with 1 and 2 workers', () => {
    const sharded = run('sharded', ['--seed', '7', '--workers', '2']);
    expect(sharded.summary.digest).toBe(first.summary.digest);
    expect(sharded.summaryBytes.equals(first.summaryBytes)).toBe(true);
    expect(sharded.eventBytes.equals(first.eventBytes)).toBe(true);
  });

  it('gives another digest for another seed', () => {
    const other = run('other', ['--seed', '8', '--workers', '1']);
    expect(other.summary.digest).not.toBe(first.summary.digest);
  });

  it('orders the event log by (time, participant, seq)', () => {
    const keys = first.eventBytes
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { t: number; p: number; seq: number });
    for (let i = 1; i < keys.length; i++) {
      const [a, b] = [keys[i - 1]!, keys[i]!];
      const ordered = a.t < b.t || (a.t === b.t && (a.p < b.p || (a.p === b.p && a.seq < b.seq)));
      expect(ordered, `line ${i + 1}`).toBe(true);
    }
  });
});
