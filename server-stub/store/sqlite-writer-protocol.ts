import type { MessagePort } from 'node:worker_threads';
import type { AttemptRecord } from './store.ts';
import type { SqliteStore } from './sqlite-store.ts';

/**
 * What the server's thread and the SQLite writer thread (sqlite-writer.ts) say to each other. Every
 * write carries `through`: the server's count of writes so far, so a notice of a commit or a rollback
 * says which writes it settles.
 */
export interface WriterData {
  file: string;
  synchronous: 'normal' | 'full';
  flag: Int32Array;
  replyPort: MessagePort;
}

/** The store's methods the writer thread answers, with the one the server's thread adds (`close`). */
export type WriterMethod = Exclude<keyof SqliteStore, 'kind' | 'tokenSecret' | 'insertAttempt' | 'flush'>;

export type WriterRequest =
  /** Check-ins of one event-loop turn: no reply, their commit is noticed. */
  | { kind: 'attempts'; records: AttemptRecord[]; through: number }
  /** A call brings the check-ins of its turn not yet sent (`attemptsThrough` their last write), so they join the same group. */
  | { kind: 'call'; method: WriterMethod; args: unknown[]; through: number; attempts: AttemptRecord[]; attemptsThrough: number };

export interface SerializedError {
  name: string;
  message: string;
  code?: string | undefined;
}

/** Every reply carries the notices posted since the last one, so the server's thread settles its writes in order before it reads the reply. */
export type WriterReply = ({ value: unknown } | { error: SerializedError }) & { settled: WriterNotice[] };

/** Posted when a group of writes commits, or fails: rolled back, or not to be acknowledged. */
export type WriterNotice = { kind: 'committed'; through: number } | { kind: 'failed'; through: number; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return { name: error.name, message: error.message, code: (error as { code?: string }).code };
}

export function reviveError(error: SerializedError): Error {
  return Object.assign(new Error(error.message), { name: error.name, code: error.code });
}
