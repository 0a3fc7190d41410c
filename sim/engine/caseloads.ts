import { keyedUniform } from '../rng/index.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../virtual-time.ts';
import { CAUSE_CLASS_OF, FAILURE_CAUSES, VERDICTS } from '../../scenarios/vocabulary.ts';
import { INTENT, VERDICT, type ShardMetrics } from '../metrics/shard-metrics.ts';
import { advanceStreak, streakAfterInPersonVisit } from '../../server-stub/policy/index.ts';
import type { EventRecorder } from './event-log.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** Officers return calls from 09:00 US Eastern (14:00 UTC) each day (ASSUMPTION). */
const CALL_BACKS_START_MS = 14 * HOUR_MS;
/** Key of a window's aftermath draws ('off' · 2^8 + the window's index), apart from every other keyed draw. */
const AFTERMATH_KEY = 0x6f666600;
const [CALL_DRAW, ANSWER_DRAW, VISIT_DRAW] = [0, 1, 2];

/**
 * Fields of one window in the buffer, in this order: PHONED is 1 when the window is a false failure
 * whose person phoned their officer; the next three are the officer's call-back, once settled;
 * AFTER_VERIFIED is 1 when a verified window of the person's closed since their previous recorded one.
 */
const FIELDS = 11;
const [SLOT, WINDOW_INDEX, CLOSES_AT, INTENT_FIELD, VERDICT_FIELD, CAUSE, PHONED, SERVED_AT, ANSWERED, EXCUSED, AFTER_VERIFIED] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const NOT_SERVED = -1;

/**
 * Whether an officer may excuse a window failed by each cause (by index): those of the system and of the
 * device. Looked up by index: by the cause's name, the lookup was megamorphic.
 */
const EXCUSABLE_BY_CAUSE: readonly boolean[] = FAILURE_CAUSES.map((cause) => CAUSE_CLASS_OF[cause] === 'system' || CAUSE_CLASS_OF[cause] === 'device');

interface CallBackRequest {
  /** Offset of the window in the buffer. */
  offset: number;
  participant: number;
  raisedAt: number;
}

/**
 * Participants' windows after they close: the officer's side of the model. A person whose window
 * failed may phone their officer; the officer returns calls in order, with limited minutes a day, and
 * may excuse a window that technology or the phone failed (CALIBRATION: excusing a miss). Then the
 * escalation rule runs over each participant's windows, not counting excused ones, and people whose
 * failures stand may be sent to report in person.
 *
 * Officers couple the participants of one caseload (consecutive ids), so their lives are recorded here
 * first and settled together: sim mode settles each caseload once its last life has run, drive mode
 * settles everyone at the end. Whether a person calls, answers and is sent in person is drawn keyed by
 * (seed, participant, window), so lives stay independent and these draws depend neither on the order
 * windows arrive in nor on which windows failed (common random numbers across scenarios).
 *
 * A verified window is not recorded: all it does to the rule is end the failed streak (it is never a
 * call-back, an escalation or a visit, and a person's windows never overlap, so a later window closes
 * after it and is judged no earlier), which its person's next recorded window notes (AFTER_VERIFIED).
 * Most windows are verified, and recording and settling them was most of the officers' side's work.
 */
export class Caseloads {
  /** Recorded windows, FIELDS numbers each; reused from one settlement to the next. */
  private buffer = new Float64Array(1 << 12);
  private used = 0;
  /**
   * Participants recorded since the last settlement. The arrays below hold them by slot and are reused
   * from one settlement to the next (entries from `participants` on are stale), rather than made
   * afresh for each caseload and grown participant by participant.
   */
  private participants = 0;
  private readonly ids: number[] = [];
  private readonly abscondAt: number[] = [];
  /** Followed for at least two check-in intervals after absconding: detection delay counts. */
  private readonly followed: boolean[] = [];
  /** The next event sequence number after each life's own events. */
  private readonly nextSeq: number[] = [];
  /** A verified window of the participant closed since their last recorded one. */
  private readonly verifiedSinceRecorded: boolean[] = [];

  constructor(
    private readonly scenario: Scenario,
    private readonly metrics: ShardMetrics,
    private readonly events: EventRecorder | null,
  ) {}

  /** Whether `id` is the last participant of its officer's caseload. */
  closesCaseload(id: number): boolean {
    return (id + 1) % this.scenario.officers.caseload === 0;
  }

  /** Starts a participant's record; returns its slot, for `window` and `endParticipant`. */
  beginParticipant(id: number, abscondAt: number, followed: boolean): number {
    const slot = this.participants++;
    this.ids[slot] = id;
    this.abscondAt[slot] = abscondAt;
    this.followed[slot] = followed;
    this.nextSeq[slot] = 0;
    this.verifiedSinceRecorded[slot] = false;
    return slot;
  }

  /** A participant's window has closed (each participant's in window order). */
  window(slot: number, windowIndex: number, closesAt: number, intent: number, verdict: number, cause: number): void {
    if (verdict === VERDICT.verified) {
      this.verifiedSinceRecorded[slot] = true;
      return;
    }
    if (this.used + FIELDS > this.buffer.length) {
      const grown = new Float64Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    const b = this.buffer;
    const offset = this.used;
    b[offset + SLOT] = slot;
    b[offset + WINDOW_INDEX] = windowIndex;
    b[offset + CLOSES_AT] = closesAt;
    b[offset + INTENT_FIELD] = intent;
    b[offset + VERDICT_FIELD] = verdict;
    b[offset + CAUSE] = cause;
    b[offset + PHONED] = this.isFalseFailure(offset) && this.draw(offset, CALL_DRAW) < this.scenario.behaviour.fallback.callOfficer ? 1 : 0;
    b[offset + SERVED_AT] = NOT_SERVED;
    b[offset + ANSWERED] = 0;
    b[offset + EXCUSED] = 0;
    b[offset + AFTER_VERIFIED] = this.verifiedSinceRecorded[slot] ? 1 : 0;
    this.verifiedSinceRecorded[slot] = false;
    this.used += FIELDS;
  }

  endParticipant(slot: number, nextSeq: number): void {
    this.nextSeq[slot] = nextSeq;
  }

  /** Settles every participant recorded so far (whole caseloads), then forgets them. */
  settle(): void {
    const offsets = this.windowsBySlot();
    // Officers return calls to excuse windows; under a policy without excuses the person's call is all there is.
    if (this.scenario.policy.officersMayExcuse) this.returnCalls(this.callBackRequests(offsets));
    for (let start = 0; start < offsets.length; ) {
      const slot = this.buffer[offsets[start]! + SLOT]!;
      let end = start + 1;
      while (end < offsets.length && this.buffer[offsets[end]! + SLOT] === slot) end++;
      this.settleParticipant(slot, offsets, start, end);
      start = end;
    }
    this.used = 0;
    this.participants = 0;
  }

  /** Buffer offsets of the windows grouped by participant (slot), each participant's in window order. */
  private windowsBySlot(): number[] {
    const offsets = new Array<number>(this.used / FIELDS);
    let sorted = true;
    for (let offset = 0; offset < this.used; offset += FIELDS) {
      if (offset > 0 && this.buffer[offset - FIELDS + SLOT]! > this.buffer[offset + SLOT]!) sorted = false;
      offsets[offset / FIELDS] = offset;
    }
    // Sim mode records one life after another; drive mode's lives interleave in time.
    if (!sorted) offsets.sort((a, b) => this.buffer[a + SLOT]! - this.buffer[b + SLOT]! || this.buffer[a + WINDOW_INDEX]! - this.buffer[b + WINDOW_INDEX]!);
    return offsets;
  }

  /** The failed windows whose person phoned their officer. */
  private callBackRequests(offsets: readonly number[]): CallBackRequest[] {
    const requests: CallBackRequest[] = [];
    for (const offset of offsets) {
      if (this.buffer[offset + PHONED] !== 1) continue;
      requests.push({ offset, participant: this.ids[this.buffer[offset + SLOT]!]!, raisedAt: this.buffer[offset + CLOSES_AT]! });
    }
    return requests;
  }

  private isFalseFailure(offset: number): boolean {
    return this.buffer[offset + INTENT_FIELD] === INTENT.complied && this.buffer[offset + VERDICT_FIELD] !== VERDICT.verified;
  }

  private draw(offset: number, which: number): number {
    const participant = this.ids[this.buffer[offset + SLOT]!]!;
    return keyedUniform(this.scenario.seed, participant, AFTERMATH_KEY + this.buffer[offset + WINDOW_INDEX]!, which);
  }

  /** Each officer returns the calls of their caseload in the order they came, while their daily minutes last. */
  private returnCalls(requests: CallBackRequest[]): void {
    const { caseload, callBackMinutesPerDay, callBackMinutes, callBackNoAnswer, excuseWithinDays } = this.scenario.officers;
    const dayCapacityMs = callBackMinutesPerDay * MINUTE_MS;
    const callMs = callBackMinutes * MINUTE_MS;
    const b = this.buffer;
    const inOrder =
      inOrderOfRaising(requests) ??
      requests.sort((x, y) => x.raisedAt - y.raisedAt || x.participant - y.participant || b[x.offset + WINDOW_INDEX]! - b[y.offset + WINDOW_INDEX]!);
    const officers = new Map<number, { day: number; usedMs: number }>();
    for (const request of inOrder) {
      const officer = Math.floor(request.participant / caseload);
      let state = officers.get(officer);
      if (state === undefined) {
        state = { day: Number.NEGATIVE_INFINITY, usedMs: 0 };
        officers.set(officer, state);
      }
      let { day, usedMs } = state;
      if (slotAt(day, usedMs) < request.raisedAt) {
        day = Math.floor((request.raisedAt - CALL_BACKS_START_MS) / DAY_MS);
        usedMs = request.raisedAt - slotAt(day, 0);
      }
      if (usedMs + callMs > dayCapacityMs) {
        day++;
        usedMs = 0;
      }
      const servedAt = slotAt(day, usedMs);
      if (callMs > dayCapacityMs || servedAt > request.raisedAt + excuseWithinDays * DAY_MS) continue;
      state.day = day;
      state.usedMs = usedMs + callMs;
      const answered = this.draw(request.offset, ANSWER_DRAW) >= callBackNoAnswer;
      const excused = answered && EXCUSABLE_BY_CAUSE[b[request.offset + CAUSE]!]!;
      b[request.offset + SERVED_AT] = servedAt;
      b[request.offset + ANSWERED] = answered ? 1 : 0;
      b[request.offset + EXCUSED] = excused ? 1 : 0;
      this.metrics.officerCallBack(callBackMinutes, excused);
    }
  }

  /**
   * The escalation rule over one participant's windows in order. A window with a call-back pending is
   * judged once the officer has returned the call (or the request has lapsed), so that an excuse is
   * known before the window counts; later windows wait for it.
   */
  private settleParticipant(slot: number, offsets: readonly number[], start: number, end: number): void {
    const { scenario, metrics, events, buffer: b } = this;
    const { policy } = scenario;
    const { fallback } = scenario.behaviour;
    const lapseMs = scenario.officers.excuseWithinDays * DAY_MS;
    const id = this.ids[slot]!;
    const abscondAt = this.abscondAt[slot]!;
    const firstSeq = this.nextSeq[slot]!;
    let seq = firstSeq;
    let failedStreak = 0;
    let detected = false;
    let judgedAt = Number.NEGATIVE_INFINITY;
    for (let index = start; index < end; index++) {
      const offset = offsets[index]!;
      if (b[offset + AFTER_VERIFIED] === 1) failedStreak = advanceStreak(failedStreak, 'verified', policy).failedStreak;
      const windowIndex = b[offset + WINDOW_INDEX]!;
      const closesAt = b[offset + CLOSES_AT]!;
      const verdict = b[offset + VERDICT_FIELD]!;
      const falseFailure = this.isFalseFailure(offset);
      const officerCall = b[offset + PHONED] === 1;
      const servedAt = b[offset + SERVED_AT]!;
      const excused = b[offset + EXCUSED] === 1;
      const excuseDecidedAt = !policy.officersMayExcuse || !officerCall ? closesAt : servedAt !== NOT_SERVED ? servedAt : closesAt + lapseMs;
      judgedAt = Math.max(judgedAt, excuseDecidedAt);
      if (servedAt !== NOT_SERVED) {
        events?.add(servedAt, id, seq++, 'officer_call_back', `,"window":${windowIndex},"answered":${b[offset + ANSWERED] === 1},"excused":${excused}`);
      }
      if (excused) {
        metrics.fallback(true, false, fallback.callMinutes);
        continue;
      }
      const step = advanceStreak(failedStreak, VERDICTS[verdict]!, policy);
      failedStreak = step.failedStreak;
      const day = Math.min(scenario.days - 1, Math.floor(judgedAt / DAY_MS));
      if (step.escalate) {
        const absconded = abscondAt <= closesAt;
        const delay = absconded && !detected && this.followed[slot] ? judgedAt - abscondAt : -1;
        detected ||= absconded;
        metrics.escalation(day, absconded, delay);
        events?.add(judgedAt, id, seq++, 'escalation', `,"window":${windowIndex},"false":${!absconded}`);
      }
      if (!falseFailure) continue;
      const inPersonVisit = this.draw(offset, VISIT_DRAW) < fallback.inPersonVisit;
      const minutes = (officerCall ? fallback.callMinutes : 0) + (inPersonVisit ? fallback.inPersonMinutes : 0);
      metrics.fallback(officerCall, inPersonVisit, minutes);
      if (inPersonVisit) failedStreak = streakAfterInPersonVisit(failedStreak, policy);
      if (officerCall || inPersonVisit) {
        events?.add(judgedAt, id, seq++, 'fallback', `,"window":${windowIndex},"officerCall":${officerCall},"inPersonVisit":${inPersonVisit}`);
      }
    }
    metrics.settledEvents(seq - firstSeq);
  }
}

/** Positions of requests in a sort key (see inOrderOfRaising), and the instants such a key can hold (over a year in milliseconds). */
const KEY_POSITIONS = 2 ** 17;
const KEY_INSTANTS = 2 ** 35;

/**
 * The requests by when they were raised, then by participant, then by window, when they come in
 * participant and window order (sim mode's settlements): sorted as numbers, raisedAt · KEY_POSITIONS +
 * position, exact in a double, natively and with no comparator. No two windows of a person close at
 * the same instant, so the position breaks ties as participant and window would. Undefined when the
 * requests cannot be keyed so (out of order, too many, instants not whole or too far).
 * A comparator sort of the requests was about a quarter of the officers' side's instructions.
 */
function inOrderOfRaising(requests: readonly CallBackRequest[]): CallBackRequest[] | undefined {
  if (requests.length > KEY_POSITIONS) return undefined;
  const keys = new Float64Array(requests.length);
  for (let position = 0; position < requests.length; position++) {
    const { raisedAt, participant } = requests[position]!;
    if (!Number.isInteger(raisedAt) || raisedAt < 0 || raisedAt >= KEY_INSTANTS) return undefined;
    if (position > 0 && requests[position - 1]!.participant > participant) return undefined;
    keys[position] = raisedAt * KEY_POSITIONS + position;
  }
  keys.sort();
  const inOrder: CallBackRequest[] = [];
  for (const key of keys) inOrder.push(requests[key % KEY_POSITIONS]!);
  return inOrder;
}

function slotAt(day: number, usedMs: number): number {
  return day * DAY_MS + CALL_BACKS_START_MS + usedMs;
}
