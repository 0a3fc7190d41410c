import { createMemoryStore } from './memory-store.ts';
import { createSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

/** SQLite when a database file is named, in memory otherwise. */
export function openStore(options: { db?: string | undefined; dbSynchronous: 'normal' | 'full' }): Store {
  return options.db === undefined ? createMemoryStore() : createSqliteStore(options.db, options.dbSynchronous);
}
