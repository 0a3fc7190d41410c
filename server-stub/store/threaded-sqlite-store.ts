import Database from 'better-sqlite3';
import { moduleWorker } from '../../scenarios/common/module-worker.ts';
import { siblingModule } from '../../scenarios/common/package-files.ts';
import { BlockingReplies } from './blocking-replies.ts';
import { BoundedCache } from './bounded-cache.ts';
import { reviveError, type WriterMethod, type WriterNotice, type WriterReply, type WriterRequest } from './sqlite-writer-protocol.ts';
import { WriteSettlements } from './write-settlements.ts';
import { prepareStatements } from './sqlite-statements.ts';
import { templatesOf, toParticipant, toWindow } from './sqlite-rows.ts';
import { copyWindow, type AttemptRecord, type EnrolledTemplates, type Store, type WindowClosure, type WindowRecord } from './store.ts';

/**
 * The durable store as the server uses it: the SQLite connection that writes lives in a thread of its
 * own (sqlite-writer.ts, running sqlite-store.ts), so that a check-in's INSERT and its share of the
 * group's COMMIT run beside the server's thread instead of on it.
 *
 * A check-in is posted to the writer with the rest of its event-loop turn and the store answers at
 * once; its response still waits for `flush()`, which resolves only when the writer has committed it,
 * so an acknowledged check-in survives kill -9 as before. Whether its attempt id is new is known here:
 * each participant's attempt ids are read once from a read-only connection (committed attempts), with
 * those still in flight (write-settlements.ts), and kept in memory with those taken since.
 * Templates and windows stay in memory here as they do in sqlite-store.ts, a window counted in place,
 * so a check-in asks the writer nothing. Everything else is a call the writer answers at once,
 * blocking this thread (blocking-replies.ts) after the check-ins posted before it: later reads see
 * earlier writes, and every method keeps the Store's synchronous contract. Except when every write is
 * settled: the file then holds what the writer holds, and a participant, its templates or a window are
 * read from it here (enrolment and window opening read both for every window they open).
 */
const WRITER_ENTRY = siblingModule('./sqlite-writer', import.meta.url);
/** Opening a large file or a long checkpoint can take a while; a writer silent for this long has failed. */
const WRITER_TIMEOUT_MS = 120_000;
const TEMPLATE_CACHE_SIZE = 20_000;
const WINDOW_CACHE_SIZE = 20_000;
/** Participants whose attempt ids are kept in memory: a few dozen bytes an id. */
export const ATTEMPT_ID_CACHE_SIZE = 20_000;

export function createThreadedSqliteStore(file: string, synchronous: 'normal' | 'full'): Store {
  // Long on purpose: one closure over the writer thread, the write count and the caches that the Store's methods share.
  const replies = new BlockingReplies();
  const writer = moduleWorker(WRITER_ENTRY, { file, synchronous, flag: replies.flag, replyPort: replies.replyPort }, [replies.replyPort]);
  const opened = replies.take(WRITER_TIMEOUT_MS, 'the SQLite writer thread starting') as WriterReply;
  if ('error' in opened) {
    void writer.terminate();
    throw reviveError(opened.error);
  }
  const secret = Buffer.from(opened.value as Uint8Array);
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  const storedAttemptIds = reader.prepare<[string], string>('SELECT attempt_id FROM attempts WHERE participant_id = ?').pluck();
  const fromFile = prepareStatements(reader);

  const templateCache = new BoundedCache<string, EnrolledTemplates>(TEMPLATE_CACHE_SIZE);
  const windowCache = new BoundedCache<string, WindowRecord>(WINDOW_CACHE_SIZE);
  const attemptIdCache = new BoundedCache<string, Set<string>>(ATTEMPT_ID_CACHE_SIZE);
  const settlements = new WriteSettlements((waiting) => (waiting ? writer.ref() : writer.unref()));
  writer.unref();
  /** The server's writes so far: check-ins and write calls, numbered as the writer's notices count them. */
  let writes = 0;
  /** Check-ins not yet sent to the writer: those of this turn, or of every turn since the last batch, while the writer is still committing it. */
  let turnAttempts: AttemptRecord[] = [];
  /** The last write sent to the writer. */
  let sentThrough = 0;
  /** Set once the writer thread has failed: every later call throws it. */
  let failure: Error | undefined;

  /** Writes through `through` will not be acknowledged: rolled back, or the writer thread failed. */
  const fail = (through: number, error: Error) => {
    settlements.settle(through, error);
    // What was cached may hold writes that are gone: read again from the writer.
    templateCache.clear();
    windowCache.clear();
    attemptIdCache.clear();
  };
  const settle = (notice: WriterNotice) => {
    if (notice.kind === 'committed') settlements.settle(notice.through);
    else fail(notice.through, reviveError(notice.error));
  };
  writer.on('message', (notice: WriterNotice) => {
    settle(notice);
    sendAttempts();
  });
  writer.on('error', (error) => {
    failure = error;
    fail(writes, error);
  });

  // One batch at a time: while the writer commits one, the next gathers the check-ins of the turns
  // meanwhile, so that a busy server sends fewer, larger batches (each message costs this thread a
  // few microseconds whatever it holds) and the writer commits fewer, larger groups.
  function sendAttempts(): void {
    if (turnAttempts.length === 0 || failure !== undefined || !settlements.allSettled(sentThrough)) return;
    writer.postMessage({ kind: 'attempts', records: turnAttempts, through: writes } satisfies WriterRequest);
    turnAttempts = [];
    sentThrough = writes;
  }

  function call<T>(method: WriterMethod, args: unknown[], write: boolean): T {
    if (failure !== undefined) throw failure;
    const attempts = turnAttempts;
    turnAttempts = [];
    const attemptsThrough = writes;
    if (write) writes++;
    writer.postMessage({ kind: 'call', method, args, through: writes, attempts, attemptsThrough } satisfies WriterRequest);
    sentThrough = writes;
    const reply = replies.take(WRITER_TIMEOUT_MS, `the SQLite writer thread (${method})`) as WriterReply;
    for (const notice of reply.settled) settle(notice);
    if ('error' in reply) {
      const error = reviveError(reply.error);
      // A write that throws fails its whole group (group-commit.ts): every write not yet committed.
      if (write) fail(writes, error);
      throw error;
    }
    return reply.value as T;
  }
  const read = <T>(method: WriterMethod, ...args: unknown[]) => call<T>(method, args, false);
  /** Every write made is settled: the file holds what the writer holds. */
  const quiet = () => settlements.allSettled(writes);
  const write = <T>(method: WriterMethod, ...args: unknown[]) => call<T>(method, args, true);
  const windowKey = (participantId: string, windowId: string) => `${participantId}\u0000${windowId}`;
  /** Every attempt id the participant has used: those in the file, those on their way to it, those taken since. */
  const attemptIdsOf = (participantId: string): Set<string> => {
    let ids = attemptIdCache.get(participantId);
    if (ids === undefined) {
      ids = new Set(storedAttemptIds.all(participantId));
      for (const attemptId of settlements.attemptsInFlight(participantId)) ids.add(attemptId);
      attemptIdCache.set(participantId, ids);
    }
    return ids;
  };

  return {
    kind: 'sqlite',
    tokenSecret: () => secret,

    insertParticipants(records) {
      const duplicate = write<number>('insertParticipants', records);
      if (duplicate < 0) for (const record of records) templateCache.set(record.participantId, { template: record.template, voiceTemplate: record.voiceTemplate });
      return duplicate;
    },

    participant(participantId) {
      if (!quiet()) return read('participant', participantId);
      const row = fromFile.participant.get(participantId);
      return row === undefined ? undefined : toParticipant(row);
    },

    templates(participantId) {
      const cached = templateCache.get(participantId);
      if (cached !== undefined) return cached;
      const templates = quiet() ? templatesOf(fromFile.templates.get(participantId)) : read<EnrolledTemplates | undefined>('templates', participantId);
      if (templates !== undefined) templateCache.set(participantId, templates);
      return templates;
    },

    insertWindows(records) {
      write('insertWindows', records);
      for (const record of records) windowCache.set(windowKey(record.participantId, record.windowId), copyWindow(record));
    },

    window(participantId, windowId) {
      const key = windowKey(participantId, windowId);
      let window = windowCache.get(key);
      if (window === undefined) {
        if (quiet()) {
          const row = fromFile.window.get(participantId, windowId);
          window = row === undefined ? undefined : toWindow(row);
        } else {
          window = read<WindowRecord | undefined>('window', participantId, windowId);
        }
        if (window === undefined) return undefined;
        windowCache.set(key, window);
      }
      // A copy: the cached record is counted in place (insertAttempt), and a caller may change what it gets.
      return copyWindow(window);
    },

    unclosedWindows: (participantId) => read('unclosedWindows', participantId),
    attempt: (participantId, attemptId) => read('attempt', participantId, attemptId),

    insertAttempt(record) {
      if (failure !== undefined) throw failure;
      const ids = attemptIdsOf(record.participantId);
      if (ids.has(record.attemptId)) return false;
      ids.add(record.attemptId);
      settlements.takeAttempt(record.participantId, record.attemptId, ++writes);
      if (turnAttempts.length === 0) setImmediate(sendAttempts);
      turnAttempts.push(record);
      const window = windowCache.get(windowKey(record.participantId, record.windowId));
      if (window !== undefined) {
        window.attemptsUsed++;
        if (record.judgement === 'match') window.matched = true;
      }
      return true;
    },

    closeDueWindows(now, limit, decide) {
      // Decided here, in the writer's order, each with the streak as earlier closures leave it; then closed there as decided.
      const due = read<{ window: WindowRecord; failedStreak: number }[]>('windowsDue', now, limit);
      const streaks = new Map<string, number>();
      const decided = due.map(({ window, failedStreak }): { participantId: string; windowId: string; closure: WindowClosure } => {
        const closure = decide(window, streaks.get(window.participantId) ?? failedStreak);
        streaks.set(window.participantId, closure.failedStreak);
        return { participantId: window.participantId, windowId: window.windowId, closure };
      });
      const closed = write<WindowRecord[]>('closeDueWindows', now, limit, decided);
      for (const window of closed) windowCache.delete(windowKey(window.participantId, window.windowId));
      return closed;
    },

    history: (participantId, limit) => read('history', participantId, limit),
    beginRetentionEpoch: (virtualNow) => write('beginRetentionEpoch', virtualNow),
    noteRetentionInstant: (instant) => write('noteRetentionInstant', instant),
    personalRecord: (participantId) => read('personalRecord', participantId),
    deletePersonalDataBefore: (cutoffs) => write('deletePersonalDataBefore', cutoffs),
    counts: () => read('counts'),
    changeCount: () => read('changeCount'),
    flush: () => settlements.waitFor(writes),
    close() {
      try {
        if (failure === undefined) write('close');
      } finally {
        reader.close();
        void writer.terminate();
      }
    },
  };
}
