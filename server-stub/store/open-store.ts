import { createMemoryStore } from './memory-store.ts';
import { createThreadedSqliteStore } from './threaded-sqlite-store.ts';
import type { Store } from './store.ts';

/** SQLite when a database file is named, in memory otherwise. */
export function openStore(options: { db?: string | undefined; dbSynchronous: 'normal' | 'full' }): Store {
  return options.db === undefined ? createMemoryStore() : createThreadedSqliteStore(options.db, options.dbSynchronous);
}
