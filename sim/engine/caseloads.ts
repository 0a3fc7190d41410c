import { DAY_MS, HOUR_MS, MINUTE_MS } from '../virtual-time.ts';
import { CAUSE_CLASS_OF, FAILURE_CAUSES, VERDICTS } from '../../scenarios/vocabulary.ts';
import { INTENT, VERDICT, type ShardMetrics } from '../metrics/shard-metrics.ts';
import { advanceStreak, streakAfterInPersonVisit } from '../../server-stub/policy/index.ts';
import type { EventRecorder } from './event-log.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** Officers return calls from 09:00 US Eastern (14:00 UTC) each day (ASSUMPTION). */
const CALL_BACKS_START_MS = 14 * HOUR_MS;
/** Fields of one window in a participant's record, in this order. */
const FIELDS = 8;
const [WINDOW_INDEX, CLOSES_AT, INTENT_FIELD, VERDICT_FIELD, CAUSE, CALL_DRAW, ANSWER_DRAW, VISIT_DRAW] = [0, 1, 2, 3, 4, 5, 6, 7];

interface ParticipantRecord {
  id: number;
  abscondAt: number;
  /** Followed for at least two check-in intervals after absconding: detection delay counts. */
  followed: boolean;
  /** The next event sequence number after the life's own events. */
  nextSeq: number;
  windows: number[];
}

interface CallBackRequest {
  record: ParticipantRecord;
  /** Offset of the window in the record's `windows`. */
  offset: number;
  raisedAt: number;
}

interface CallBackResult {
  servedAt: number;
  answered: boolean;
  excused: boolean;
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
 * settles everyone at the end. Lives draw everything the officer's side needs, so they stay
 * independent, and settling depends only on the records, not on the order they arrived in.
 */
export class Caseloads {
  private records: ParticipantRecord[] = [];

  constructor(
    private readonly scenario: Scenario,
    private readonly metrics: ShardMetrics,
    private readonly events: EventRecorder | null,
  ) {}

  /** Whether `id` is the last participant of its officer's caseload. */
  closesCaseload(id: number): boolean {
    return (id + 1) % this.scenario.officers.caseload === 0;
  }

  beginParticipant(id: number, abscondAt: number, followed: boolean): ParticipantRecord {
    const record = { id, abscondAt, followed, nextSeq: 0, windows: [] };
    this.records.push(record);
    return record;
  }

  window(record: ParticipantRecord, windowIndex: number, closesAt: number, intent: number, verdict: number, cause: number, draws: { call: number; answer: number; visit: number }): void {
    record.windows.push(windowIndex, closesAt, intent, verdict, cause, draws.call, draws.answer, draws.visit);
  }

  endParticipant(record: ParticipantRecord, nextSeq: number): void {
    record.nextSeq = nextSeq;
  }

  /** Settles every participant recorded so far (whole caseloads), then forgets them. */
  settle(): void {
    const records = this.records.sort((a, b) => a.id - b.id);
    this.records = [];
    const { callOfficer } = this.scenario.behaviour.fallback;
    const requests: CallBackRequest[] = [];
    for (const record of records) {
      for (let offset = 0; offset < record.windows.length; offset += FIELDS) {
        const w = record.windows;
        if (w[offset + INTENT_FIELD] === INTENT.complied && w[offset + VERDICT_FIELD] !== VERDICT.verified && w[offset + CALL_DRAW]! < callOfficer) {
          requests.push({ record, offset, raisedAt: w[offset + CLOSES_AT]! });
        }
      }
    }
    const results = this.returnCalls(requests);
    for (const record of records) this.settleParticipant(record, results);
  }

  /** Each officer returns the calls of their caseload in the order they came, while their daily minutes last. */
  private returnCalls(requests: CallBackRequest[]): Map<CallBackRequest['record'], Map<number, CallBackResult>> {
    const { caseload, callBackMinutesPerDay, callBackMinutes, callBackNoAnswer, excuseWithinDays } = this.scenario.officers;
    const mayExcuse = this.scenario.policy.officersMayExcuse;
    const dayCapacityMs = callBackMinutesPerDay * MINUTE_MS;
    const callMs = callBackMinutes * MINUTE_MS;
    const results = new Map<ParticipantRecord, Map<number, CallBackResult>>();
    requests.sort((a, b) => a.raisedAt - b.raisedAt || a.record.id - b.record.id || a.offset - b.offset);
    const officers = new Map<number, { day: number; usedMs: number }>();
    for (const request of requests) {
      const officer = Math.floor(request.record.id / caseload);
      const state = officers.get(officer) ?? { day: Number.NEGATIVE_INFINITY, usedMs: 0 };
      officers.set(officer, state);
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
      const w = request.record.windows;
      const answered = w[request.offset + ANSWER_DRAW]! >= callBackNoAnswer;
      const causeClass = CAUSE_CLASS_OF[FAILURE_CAUSES[w[request.offset + CAUSE]!]!];
      const excused = answered && mayExcuse && (causeClass === 'system' || causeClass === 'device');
      let byOffset = results.get(request.record);
      if (!byOffset) results.set(request.record, (byOffset = new Map()));
      byOffset.set(request.offset, { servedAt, answered, excused });
      this.metrics.officerCallBack(callBackMinutes, excused);
    }
    return results;
  }

  /**
   * The escalation rule over one participant's windows in order. A window with a call-back pending is
   * judged once the officer has returned the call (or the request has lapsed), so that an excuse is
   * known before the window counts; later windows wait for it.
   */
  private settleParticipant(record: ParticipantRecord, results: Map<ParticipantRecord, Map<number, CallBackResult>>): void {
    const { scenario, metrics, events } = this;
    const { policy } = scenario;
    const { fallback } = scenario.behaviour;
    const { callOfficer } = fallback;
    const lapseMs = scenario.officers.excuseWithinDays * DAY_MS;
    const callBacks = results.get(record);
    let seq = record.nextSeq;
    let failedStreak = 0;
    let detected = false;
    let judgedAt = Number.NEGATIVE_INFINITY;
    const w = record.windows;
    for (let offset = 0; offset < w.length; offset += FIELDS) {
      const windowIndex = w[offset + WINDOW_INDEX]!;
      const closesAt = w[offset + CLOSES_AT]!;
      const verdict = w[offset + VERDICT_FIELD]!;
      const falseFailure = w[offset + INTENT_FIELD] === INTENT.complied && verdict !== VERDICT.verified;
      const officerCall = falseFailure && w[offset + CALL_DRAW]! < callOfficer;
      const callBack = callBacks?.get(offset);
      const excuseDecidedAt = !policy.officersMayExcuse || !officerCall ? closesAt : callBack ? callBack.servedAt : closesAt + lapseMs;
      judgedAt = Math.max(judgedAt, excuseDecidedAt);
      if (callBack) {
        events?.add(callBack.servedAt, record.id, seq++, 'officer_call_back', `,"window":${windowIndex},"answered":${callBack.answered},"excused":${callBack.excused}`);
      }
      if (callBack?.excused) {
        if (officerCall) metrics.fallback(true, false, fallback.callMinutes);
        continue;
      }
      const step = advanceStreak(failedStreak, VERDICTS[verdict]!, policy);
      failedStreak = step.failedStreak;
      const day = Math.min(scenario.days - 1, Math.floor(judgedAt / DAY_MS));
      if (step.escalate) {
        const absconded = record.abscondAt <= closesAt;
        const delay = absconded && !detected && record.followed ? judgedAt - record.abscondAt : -1;
        detected ||= absconded;
        metrics.escalation(day, absconded, delay);
        events?.add(judgedAt, record.id, seq++, 'escalation', `,"window":${windowIndex},"false":${!absconded}`);
      }
      if (!falseFailure) continue;
      const inPersonVisit = w[offset + VISIT_DRAW]! < fallback.inPersonVisit;
      const minutes = (officerCall ? fallback.callMinutes : 0) + (inPersonVisit ? fallback.inPersonMinutes : 0);
      metrics.fallback(officerCall, inPersonVisit, minutes);
      if (inPersonVisit) failedStreak = streakAfterInPersonVisit(failedStreak, policy);
      if (officerCall || inPersonVisit) {
        events?.add(judgedAt, record.id, seq++, 'fallback', `,"window":${windowIndex},"officerCall":${officerCall},"inPersonVisit":${inPersonVisit}`);
      }
    }
    metrics.settledEvents(seq - record.nextSeq);
  }
}

function slotAt(day: number, usedMs: number): number {
  return day * DAY_MS + CALL_BACKS_START_MS + usedMs;
}
