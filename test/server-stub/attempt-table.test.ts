import { describe, expect, it } from 'vitest';
import { AttemptTable } from '../../server-stub/store/attempt-table.ts';
import type { AttemptRecord } from '../../server-stub/store/store.ts';

function attempt(index: number, extra: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    participantId: `p-${index % 7}`,
    attemptId: `a-${index}`,
    windowId: `w-${index % 3}`,
    modality: index % 2 === 0 ? 'face' : 'voice',
    at: 1_796_293_868_640 + index,
    attemptNumber: (index % 20) + 1,
    judgement: (['match', 'below_threshold', 'not_live'] as const)[index % 3]!,
    similarity: index % 5 === 0 ? -0 : 0.7 - index / 1e6,
    livenessScore: 0.9,
    reason: `reason ${index % 4}`,
    location: undefined,
    device: undefined,
    poorLight: undefined,
    callDirection: undefined,
    callDurationSeconds: undefined,
    fingerprint: `fp-${index}`,
    ...extra,
  };
}

describe('AttemptTable', () => {
  it('reads back every field of every row as inserted, past the columns growing', () => {
    const table = new AttemptTable();
    const records = Array.from({ length: 2500 }, (_, index) =>
      attempt(index, index % 10 === 3 ? { location: { lat: 40.71, lon: -74.01 }, device: 'synthetic-phone', poorLight: false, callDirection: 'outbound', callDurationSeconds: 41.5 } : {}),
    );
    const rows = records.map((record) => table.insert(record, record.participantId, record.windowId));
    expect(rows).toEqual(records.map((_, index) => index));
    for (const [index, record] of records.entries()) expect(table.read(index)).toStrictEqual(record);
    expect(Object.is(table.read(0).similarity, -0)).toBe(true);
  });

  it('blanks a row\'s location and device model, says what it held, and keeps the rest', () => {
    const table = new AttemptTable();
    const located = attempt(1, { location: { lat: 51.5, lon: -0.13 }, device: 'synthetic-phone', poorLight: true });
    table.insert(attempt(0), 'p-0', 'w-0');
    table.insert(located, located.participantId, located.windowId);
    expect(table.clearPersonalData(1)).toEqual({ location: true, device: true });
    expect(table.clearPersonalData(1)).toEqual({ location: false, device: false });
    expect(table.clearPersonalData(0)).toEqual({ location: false, device: false });
    expect(table.read(1)).toStrictEqual({ ...located, location: undefined, device: undefined });
    expect(table.timeOf(1)).toBe(located.at);
  });
});
