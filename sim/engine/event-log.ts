import { createReadStream, createWriteStream, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { DueQueue } from './due-queue.ts';

/**
 * The event log: one JSON object per line, ordered by (time, participant, seq). Each line starts
 * `{"t":<ms>,"p":<participant>,"seq":<n>,` so that merging can read its key without parsing JSON.
 *
 * A shard records its participants' events (a life's, then the officers' side of its caseload) and
 * sorts them by (time, participant, seq). Past `runLength` events it
 * writes a sorted run to disk, and the runs of every shard are merged at the end (an external merge
 * sort), so memory stays bounded whatever the fleet size.
 */
export class EventRecorder {
  private times: number[] = [];
  private participants: number[] = [];
  private seqs: number[] = [];
  private lines: string[] = [];
  private runCount = 0;
  readonly runFiles: string[] = [];

  constructor(
    private readonly directory: string,
    private readonly shardIndex: number,
    private readonly startEpochMs: number,
    private readonly runLength = 400_000,
  ) {}

  /** `fields` is the rest of the JSON object, starting with a comma, e.g. `,"verdict":"missed"`. */
  add(at: number, participant: number, seq: number, type: string, fields: string): void {
    this.times.push(at);
    this.participants.push(participant);
    this.seqs.push(seq);
    this.lines.push(
      `{"t":${at},"p":${participant},"seq":${seq},"at":"${new Date(this.startEpochMs + at).toISOString()}","type":"${type}"${fields}}`,
    );
  }

  /** Called between caseloads: writes a run once enough events are buffered. */
  maybeFlush(): void {
    if (this.times.length >= this.runLength) this.flush();
  }

  flush(): void {
    if (this.times.length === 0) return;
    const { times, participants, seqs } = this;
    const order = Array.from(times.keys()).sort((a, b) => times[a]! - times[b]! || participants[a]! - participants[b]! || seqs[a]! - seqs[b]!);
    const file = join(this.directory, `.events-${this.shardIndex}-${this.runCount++}.ndjson`);
    writeFileSync(file, order.map((index) => this.lines[index]).join('\n') + '\n');
    this.runFiles.push(file);
    this.times = [];
    this.participants = [];
    this.seqs = [];
    this.lines = [];
  }
}

interface RunCursor {
  lines: AsyncIterator<string>;
  line: string;
  time: number;
  participant: number;
}

/**
 * Merges sorted run files into one ordered log, then removes them. A participant's events all sit in
 * one run, so the heads of two runs never share (time, participant): the queue's (due, order) is the
 * whole key, and each run's own order keeps seq.
 */
export async function mergeEventRuns(runFiles: readonly string[], outFile: string): Promise<number> {
  const out = createWriteStream(outFile);
  const heads = new DueQueue<RunCursor>();
  for (const file of runFiles) {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })[Symbol.asyncIterator]();
    const cursor = await advance({ lines, line: '', time: 0, participant: 0 });
    if (cursor) heads.push(cursor.time, cursor.participant, cursor);
  }
  let count = 0;
  for (let head = heads.pop(); head; head = heads.pop()) {
    const cursor = head.value;
    if (!out.write(cursor.line + '\n')) await once(out, 'drain');
    count++;
    if (await advance(cursor)) heads.push(cursor.time, cursor.participant, cursor);
  }
  out.end();
  await once(out, 'finish');
  for (const file of runFiles) rmSync(file, { force: true });
  return count;
}

async function advance(cursor: RunCursor): Promise<RunCursor | null> {
  const next = await cursor.lines.next();
  if (next.done) return null;
  const line = next.value;
  const tEnd = line.indexOf(',', 5);
  const pEnd = line.indexOf(',', tEnd + 5);
  cursor.line = line;
  cursor.time = Number(line.slice(5, tEnd));
  cursor.participant = Number(line.slice(tEnd + 5, pEnd));
  return cursor;
}
