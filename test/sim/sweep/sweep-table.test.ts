import { describe, expect, it } from 'vitest';
import { gridPoints, parseGridFlag } from '../../../sim/sweep/grid.ts';
import { formatSweepTable, sweepCsv, sweepJson, sweepRow, type SweepDocument } from '../../../sim/sweep/sweep-table.ts';
import { wilson } from '../../../sim/metrics/intervals.ts';
import { handBuiltSummary, mixedSummary } from '../report/summary-fixture.ts';

const grid = [parseGridFlag('policy.graceMinutes=0,60')];
const points = gridPoints(undefined, { participants: 10 }, grid);
// Point 0: every class, 50 impostor windows, 10 escalations. Point 1: no good-faith or impostor windows, no escalations.
const document: SweepDocument = {
  scenario: 'test',
  seed: 1,
  confidence: 0.95,
  grid,
  points: [sweepRow(points[0]!, mixedSummary()), sweepRow(points[1]!, handBuiltSummary({ complied: 0, impostor: 0 }))],
};

/** sweep.csv as records keyed by header. */
function csvRecords(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, index) => [names[index]!, cell])));
}

describe('sweep rows, CSV, JSON and table', () => {
  it('gives each point its false-failure rate by class, with a Wilson interval, classes summing to all causes', () => {
    const row = document.points[0]!;
    const interval = wilson(15, 1000);
    expect(row.systemRate).toEqual({ count: 15, value: 0.015, low: expect.closeTo(interval.low, 7), high: expect.closeTo(interval.high, 7) });
    expect([row.systemRate, row.deviceRate, row.scheduleRate, row.personRate].map((rate) => rate.count)).toEqual([15, 5, 4, 26]);
    expect(row.systemRate.count + row.deviceRate.count + row.scheduleRate.count + row.personRate.count).toBe(row.falseFailureRate.count);
    expect(row.escalationPrecision).toMatchObject({ count: 6, value: 0.6, escalations: 10 });
    expect(row.absconderDetectedShare).toMatchObject({ count: 3, value: 0.375, absconders: 10, followed: 8 });
  });

  it('puts the class columns first among the rates, system first, and escalation precision among them', () => {
    const header = sweepCsv(document).split('\n')[0]!.split(',');
    const rates = header.filter((name) => !/_(count|low|high)$/.test(name)).slice(header.indexOf('impostor_windows') + 1);
    expect(rates.slice(0, 5)).toEqual(['system_rate', 'device_rate', 'schedule_rate', 'person_rate', 'false_failure_rate']);
    expect(header).toEqual(expect.arrayContaining(['system_rate_count', 'system_rate_low', 'system_rate_high', 'escalation_precision', 'escalation_precision_low', 'absconders_followed']));
    const [first] = csvRecords(sweepCsv(document));
    expect(Number(first!.system_rate)).toBe(0.015);
    expect(['system', 'device', 'schedule', 'person'].reduce((sum, name) => sum + Number(first![`${name}_rate_count`]), 0)).toBe(Number(first!.false_failure_rate_count));
    expect(Number(first!.escalation_precision)).toBe(0.6);
  });

  it('writes a rate with nothing to divide by as an empty CSV cell and null in JSON, never 0', () => {
    const [, empty] = csvRecords(sweepCsv(document));
    for (const name of ['system_rate', 'device_rate', 'schedule_rate', 'person_rate', 'false_failure_rate', 'false_accept_rate', 'escalation_precision', 'absconders_detected_share']) {
      expect(empty![name], name).toBe('');
      expect(empty![`${name}_low`], name).toBe('');
      expect(empty![`${name}_count`], name).toBe('0');
    }
    const json = JSON.parse(sweepJson(document)) as SweepDocument;
    expect(json.points[1]!.systemRate).toEqual({ count: 0, value: null, low: null, high: null });
    expect(json.points[1]!.escalationPrecision).toEqual({ count: 0, value: null, low: null, high: null, escalations: 0 });
  });

  it('prints the system rate first in the table, and a dash for a rate with nothing to divide by', () => {
    const lines = formatSweepTable(document).split('\n');
    const cells = (line: string) => line.slice(1, -1).split('│').map((cell) => cell.trim());
    const head = cells(lines[1]!);
    expect(head.slice(2, 7)).toEqual(['false-failure rate, system (95 % CI)', 'device', 'schedule', 'person', 'all causes']);
    const [first, second] = lines.filter((line) => /^│ \d /.test(line)).map(cells);
    expect(first![2]).toMatch(/^1\.50 % \(0\.\d\d %–2\.\d\d %\)$/);
    expect(first!.slice(3, 7)).toEqual(['0.50 %', '0.40 %', '2.60 %', '5.00 %']);
    expect(first![head.indexOf('escalation precision')]).toBe('60.0 %');
    expect(second!.slice(2, 7)).toEqual(['—', '—', '—', '—', '—']);
    expect(second![head.indexOf('false accepts')]).toBe('0 (—)');
    expect(second![head.indexOf('escalation precision')]).toBe('—');
  });
});
