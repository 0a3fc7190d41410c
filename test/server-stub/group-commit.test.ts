import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../server-stub/store/group-commit.ts';

function table() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const values = () => db.prepare('SELECT v FROM t ORDER BY v').pluck().all();
  return { db, insert, values };
}

describe('group commit', () => {
  it('commits the writes of one turn together, once', async () => {
    const { db, insert, values } = table();
    const group = new GroupCommit(db, () => {});
    group.write(() => insert.run(1));
    group.write(() => insert.run(2));
    expect(db.inTransaction).toBe(true);
    await group.flush();
    expect(db.inTransaction).toBe(false);
    expect(values()).toEqual([1, 2]);
    expect(group.flush()).toBeUndefined();
  });

  it('fails the whole group when a write throws: nothing of it is committed, and every waiter hears of it', async () => {
    const { db, insert, values } = table();
    let rolledBack = 0;
    const group = new GroupCommit(db, () => rolledBack++);
    group.write(() => insert.run(1));
    const waiting = group.flush()!;
    // A write of two statements whose second fails: the first must not stay behind.
    expect(() =>
      group.write(() => {
        insert.run(2);
        insert.run(1);
      }),
    ).toThrow(/UNIQUE/);
    await expect(waiting).rejects.toThrow(/UNIQUE/);
    expect(rolledBack).toBe(1);
    expect(db.inTransaction).toBe(false);
    expect(values()).toEqual([]);
    // The next turn's writes commit as usual.
    group.write(() => insert.run(3));
    await group.flush();
    expect(values()).toEqual([3]);
  });
});
