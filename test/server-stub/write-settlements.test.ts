import { describe, expect, it } from 'vitest';
import { WriteSettlements } from '../../server-stub/store/write-settlements.ts';

describe('write settlements', () => {
  it('resolves each waiter once every write it waits for is committed, oldest first, and nothing before', async () => {
    const waiting: boolean[] = [];
    const settlements = new WriteSettlements((now) => waiting.push(now));
    const first = settlements.waitFor(2)!;
    const second = settlements.waitFor(5)!;
    expect(settlements.waitFor(5)).toBe(second);
    const order: number[] = [];
    void first.then(() => order.push(2));
    void second.then(() => order.push(5));
    settlements.settle(3);
    await Promise.resolve();
    expect(order).toEqual([2]);
    settlements.settle(5);
    await second;
    expect(order).toEqual([2, 5]);
    expect(settlements.waitFor(4)).toBeUndefined();
    expect(waiting).toEqual([true, false]);
  });

  it('fails the waiters of writes rolled back, and ignores a later notice of what is already settled', async () => {
    const settlements = new WriteSettlements(() => {});
    const committed = settlements.waitFor(1)!;
    settlements.settle(1);
    const rolledBack = settlements.waitFor(3)!;
    expect(settlements.settle(3, new Error('disk full'))).toBe(true);
    await expect(committed).resolves.toBeUndefined();
    await expect(rolledBack).rejects.toThrow('disk full');
    expect(settlements.settle(2)).toBe(false);
  });

  it('lists a participant’s attempt ids in flight until their writes are settled, either way', () => {
    const settlements = new WriteSettlements(() => {});
    settlements.takeAttempt('p-1', 'a-1', 1);
    settlements.takeAttempt('p-2', 'a-1', 2);
    settlements.takeAttempt('p-1', 'a-2', 3);
    expect([...settlements.attemptsInFlight('p-1')]).toEqual(['a-1', 'a-2']);
    settlements.settle(1);
    expect([...settlements.attemptsInFlight('p-1')]).toEqual(['a-2']);
    expect([...settlements.attemptsInFlight('p-2')]).toEqual(['a-1']);
    settlements.settle(3, new Error('rolled back'));
    expect([...settlements.attemptsInFlight('p-1')]).toEqual([]);
    expect([...settlements.attemptsInFlight('p-2')]).toEqual([]);
  });
});
