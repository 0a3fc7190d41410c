import type Database from 'better-sqlite3';

/**
 * Group commit: the first write of an event-loop turn opens a transaction, every write of that turn
 * runs inside it, and it commits once, in setImmediate. `flush()` resolves when the writes made so far
 * have committed, and the server sends no response before it does: nothing is acknowledged before it
 * is durable, yet one WAL commit serves all the requests of a turn instead of one each.
 *
 * A write that throws fails its whole group: the transaction is rolled back and every request waiting
 * on it is answered with the error. So a write of several statements is never half applied, without a
 * savepoint around each (two more statements per write).
 */
export class GroupCommit {
  private batch: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;
  // Prepared once: `exec` would parse them again for every batch.
  private readonly begin: Database.Statement;
  private readonly commitStatement: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    /** Called after a failed commit was rolled back, so callers can drop what they cached. */
    private readonly afterRollback: () => void,
  ) {
    this.begin = db.prepare('BEGIN');
    this.commitStatement = db.prepare('COMMIT');
  }

  write<T>(apply: () => T): T {
    if (this.batch === undefined) {
      this.begin.run();
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      // Whoever flushes handles a failure; a batch nobody waits for must not crash the process.
      promise.catch(() => {});
      this.batch = { promise, resolve, reject };
      setImmediate(() => this.commit());
    }
    try {
      return apply();
    } catch (error) {
      this.rollBack(error);
      throw error;
    }
  }

  flush(): Promise<void> | undefined {
    return this.batch?.promise;
  }

  commit(): void {
    const batch = this.batch;
    if (batch === undefined) return;
    this.batch = undefined;
    try {
      this.commitStatement.run();
      batch.resolve();
    } catch (error) {
      this.batch = batch;
      this.rollBack(error);
    }
  }

  private rollBack(error: unknown): void {
    const batch = this.batch!;
    this.batch = undefined;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.afterRollback();
    batch.reject(error);
  }
}
