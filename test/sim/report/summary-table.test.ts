import { describe, expect, it } from 'vitest';
import { formatSummaryTables } from '../../../sim/report/summary-table.ts';
import { handBuiltSummary, mixedSummary } from './summary-fixture.ts';
import type { Perf } from '../../../sim/metrics/summary.ts';

const PERF: Perf = { wallMs: 1500, events: 1000, eventsPerSec: 667, peakRssMb: 100, workers: 1, draws: 10, participantDays: 200 };

/** The tables of `checkin-sim run`'s output, each as rows of trimmed cells (header row first). */
function tablesOf(text: string): string[][][] {
  const tables: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('┌')) tables.push((current = []));
    else if (line.startsWith('│') && current) current.push(line.slice(1, -1).split('│').map((cell) => cell.trim()));
  }
  return tables;
}

const falseFailureRows = (headline: string[][]) => headline.filter(([label]) => label!.startsWith('false failures, '));
const countOf = (value: string) => Number(/^([\d,]+)/.exec(value)![1]!.replaceAll(',', ''));

describe('run table (checkin-sim run)', () => {
  const [headline, causes, segments] = tablesOf(formatSummaryTables(mixedSummary(), PERF));

  it('leads the false failures with the system class, then device, schedule, person, then all causes', () => {
    expect(falseFailureRows(headline!).map(([label]) => label)).toEqual([
      'false failures, system (technology)',
      'false failures, device (phone unusable)',
      'false failures, schedule (window placement)',
      'false failures, person (did not answer)',
      'false failures, all causes',
    ]);
    expect(falseFailureRows(headline!)[0]![1]).toBe('15 (1.50 % of complied windows)');
    expect(headline!.flat().join(' ')).not.toMatch(/glitch/i);
  });

  it('shows class counts that sum to the all-cause count', () => {
    const rows = falseFailureRows(headline!);
    const classes = rows.slice(0, 4).map(([, value]) => countOf(value!));
    expect(classes).toEqual([15, 5, 4, 26]);
    expect(classes.reduce((sum, n) => sum + n, 0)).toBe(countOf(rows[4]![1]!));
    expect(rows[4]![1]).toBe('50 (5.00 % of complied windows)');
  });

  it('adds escalation precision, absconders detected of followed, officer minutes and excused windows', () => {
    const value = (label: string) => headline!.find(([cell]) => cell === label)?.[1];
    expect(value('escalation precision')).toBe('60.00 % (6 of 10 escalations were of absconders)');
    expect(value('absconders detected (of followed; not yet due)')).toBe('3 of 8 (2 not yet due)');
    expect(value('burden: officer minutes / excused windows')).toBe('240 / 7');
    expect(value('people affected, system / all causes')).toBe('12 (12.00 %) / 30 (30.00 %)');
  });

  it('groups the causes by class, system first, then by count: a large person cause comes after every system cause', () => {
    expect(causes![0]).toEqual(['class', 'false-failure cause', 'windows', 'share of false failures']);
    expect(causes!.slice(1).map(([causeClass, cause, windows]) => `${causeClass} ${cause} ${windows}`)).toEqual([
      'system notification_not_delivered 12',
      'system liveness_false_reject 3',
      'device battery_dead 5',
      'schedule window_during_work 4',
      'person prompt_missed 20',
      'person late_response 6',
    ]);
  });

  it('shows the system rate and the all-cause rate of each segment', () => {
    expect(segments![0]).toEqual(['segment', 'complied windows', 'false-failure rate, system', 'false-failure rate, all causes']);
    // tier:low: 9 system of 29 over 600 windows; tier:mid: 6 system of 21 over 400.
    expect(segments!.slice(1)).toEqual([
      ['tier:low', '600', '1.50 %', '4.83 %'],
      ['tier:mid', '400', '1.50 %', '5.25 %'],
    ]);
  });

  it('prints a rate with nothing to divide by as a dash, never as 0', () => {
    const [empty] = tablesOf(formatSummaryTables(handBuiltSummary({ complied: 0, impostor: 0 }), PERF));
    for (const [label, value] of falseFailureRows(empty!)) expect(value, label).toBe('0 (—)');
    const value = (label: string) => empty!.find(([cell]) => cell === label)?.[1];
    expect(value('false accepts')).toBe('0 (—)');
    expect(value('escalation precision')).toBe('—');
    expect(empty!.flat().join(' ')).not.toContain('0.00 % of');
  });
});
