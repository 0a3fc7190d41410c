import { parentPort, workerData } from 'node:worker_threads';
import { sendBlockingReply } from './blocking-replies.ts';
import { createSqliteStore, type SqliteStore } from './sqlite-store.ts';
import { serializeError, type SerializedError, type WriterData, type WriterNotice, type WriterRequest } from './sqlite-writer-protocol.ts';
import type { AttemptRecord, WindowClosure } from './store.ts';

/**
 * The SQLite writer thread: owns the database connection (sqlite-store.ts, with its group commit) for
 * the server's thread (threaded-sqlite-store.ts). Check-ins arrive a turn's worth at a time and are
 * never answered; calls are answered at once (blocking-replies.ts). Each group of writes, once
 * committed or rolled back, is noticed with the count of the server's writes it settles.
 */
const { file, synchronous, flag, replyPort } = workerData as WriterData;
const port = parentPort!;
const reply = (message: unknown) => sendBlockingReply(replyPort, flag, message);

let store: SqliteStore;
try {
  store = createSqliteStore(file, synchronous);
  reply({ value: store.tokenSecret(), settled: [] });
} catch (error) {
  reply({ error: serializeError(error), settled: [] });
  process.exit(1);
}

/** The last write of each group still open, by the group's flush promise. */
const groupThrough = new WeakMap<Promise<void>, number>();
/** Notices since the last reply: the next reply carries them too, so that the server's thread settles in order before it goes on. */
let unreported: WriterNotice[] = [];

/** Keeps a notice for the next reply: a commit stands for the one before it, so commits in a row keep only the last. */
const remember = (message: WriterNotice) => {
  if (message.kind === 'committed' && unreported.at(-1)?.kind === 'committed') unreported[unreported.length - 1] = message;
  else unreported.push(message);
};

const notice = (message: WriterNotice) => {
  remember(message);
  port.postMessage(message);
};

/** After a request's writes: notes how far the open group reaches, and watches a new group to its end. */
function followGroup(through: number): void {
  const group = store.flush();
  if (group === undefined) {
    // Nothing open: every write so far is settled (here, a write that changed nothing).
    remember({ kind: 'committed', through });
    return;
  }
  const known = groupThrough.has(group);
  groupThrough.set(group, through);
  if (known) return;
  group.then(
    () => notice({ kind: 'committed', through: groupThrough.get(group)! }),
    (error: unknown) => notice({ kind: 'failed', through: groupThrough.get(group)!, error: serializeError(error) }),
  );
}

/** closeDueWindows with verdicts the server's thread decided on the windows windowsDue listed, in that order. */
function closeDecided(now: number, limit: number, decided: { participantId: string; windowId: string; closure: WindowClosure }[]) {
  let next = 0;
  return store.closeDueWindows(now, limit, (window) => {
    const decision = decided[next++];
    if (decision?.participantId !== window.participantId || decision.windowId !== window.windowId) {
      throw new Error(`window '${window.windowId}' of '${window.participantId}' came due without a decision; expected the windows listed by windowsDue`);
    }
    return decision.closure;
  });
}

function call(method: WriterRequest & { kind: 'call' }): unknown {
  const args = method.args;
  switch (method.method) {
    case 'closeDueWindows':
      return closeDecided(...(args as Parameters<typeof closeDecided>));
    case 'close':
      store.close();
      return undefined;
    default:
      return (store[method.method] as (...values: unknown[]) => unknown)(...args);
  }
}

port.on('message', (request: WriterRequest) => {
  if (request.kind === 'attempts') insertAttempts(request.records, request.through);
  else answer(request);
});

function insertAttempts(records: readonly AttemptRecord[], through: number): void {
  for (const record of records) {
    let inserted: boolean;
    try {
      inserted = store.insertAttempt(record);
    } catch (error) {
      // The group commit rolled back every write of the group, these among them.
      notice({ kind: 'failed', through, error: serializeError(error) });
      return;
    }
    // The server's thread sends only ids it found unused: a refusal means another writer shares the
    // file. The server's thread then acknowledges none of these (a retry is answered from the file).
    if (!inserted) {
      const error = new Error(`attempt '${record.attemptId}' of '${record.participantId}' is already stored; expected this server to be the file's only writer`);
      notice({ kind: 'failed', through, error: serializeError(error) });
    }
  }
  followGroup(through);
}

function answer(request: WriterRequest & { kind: 'call' }): void {
  if (request.attempts.length > 0) insertAttempts(request.attempts, request.attemptsThrough);
  let outcome: { value: unknown } | { error: SerializedError };
  try {
    outcome = { value: call(request) };
  } catch (error) {
    // A failed write rolled its group back: the server's thread settles it from this reply.
    outcome = { error: serializeError(error) };
  }
  // Closing commits what was open.
  if ('value' in outcome) followGroup(request.through);
  reply({ ...outcome, settled: unreported });
  unreported = [];
  if (request.method === 'close') port.close();
}
