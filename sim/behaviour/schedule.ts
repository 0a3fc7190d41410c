import type { RandomStream } from '../rng/index.ts';
import { DAY_MS, HOUR_MS } from '../virtual-time.ts';
import { windowClosesAt, type VerdictPolicy, type WindowKind } from '../../server-stub/policy/index.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import type { DailyRhythm } from './daily-rhythm.ts';
import { schedulableHours } from './free-hours.ts';
import { memoizeLast } from '../last-argument-memo.ts';

/** Read only: a person supervised the whole period shares their scheduled windows with everyone whose first opens with theirs. */
export interface CheckInWindow {
  readonly kind: WindowKind;
  readonly opensAt: number;
  readonly closesAt: number;
}

export interface ScheduleInput {
  utcOffsetHours: number;
  checkInHour: number;
  checkInDay: number;
  /** Windows open strictly before this instant (end of the period or the hearing, whichever is first). */
  until: number;
  /** Windows open at or after this instant: the participant's enrolment, when it falls in the period (default 0). */
  from?: number;
  /** Local hours (whole, 0 ≤ h < 48, ascending) in which ad-hoc prompts may be sent to this person; see adHocHoursFor. */
  adHocHours: readonly number[];
}

/**
 * A participant's windows in time order: scheduled check-ins every `checkInEveryDays` at the person's
 * local hour (CALIBRATION: cadence, weekly), plus ad-hoc prompts (Poisson, ASSUMPTION) sent at a time
 * uniform over the person's ad-hoc hours. No two windows overlap: the system does not prompt someone whose window is open, so an ad-hoc
 * prompt that would overlap another window is not sent. The number of draws depends only on the
 * scenario and the prompt count, never on which prompts are kept.
 */
export function windowsFor(stream: RandomStream, input: ScheduleInput, scenario: Scenario): CheckInWindow[] {
  const { schedule, policy, days } = scenario;
  const periodMs = days * DAY_MS;
  const enrolledFrom = input.from ?? 0;
  const firstAt = input.checkInDay * DAY_MS + (input.checkInHour - input.utcOffsetHours) * HOUR_MS;
  const windows =
    enrolledFrom === 0 && input.until === periodMs
      ? wholePeriodScheduledWindows(scenario, firstAt).slice()
      : scheduledWindows(firstAt, enrolledFrom, input.until, schedule.checkInEveryDays * DAY_MS, policy);

  // Ad-hoc windows join the scheduled ones in time order, each after any that open at the same instant.
  const hours = input.adHocHours;
  const meanGapMs = schedule.adHocPromptsPerWeek > 0 ? (7 * DAY_MS) / schedule.adHocPromptsPerWeek : Number.POSITIVE_INFINITY;
  for (let at = stream.exponential(meanGapMs); at < periodMs; at += stream.exponential(meanGapMs)) {
    const day = Math.floor(at / DAY_MS);
    const position = stream.uniform() * hours.length;
    const hourIndex = Math.floor(position);
    const localHour = (hours[hourIndex] ?? 0) + position - hourIndex;
    const opensAt = Math.round(day * DAY_MS + (localHour - input.utcOffsetHours) * HOUR_MS);
    if (hours.length === 0 || opensAt < enrolledFrom || opensAt >= input.until) continue;
    const window = makeWindow('adhoc', opensAt, policy);
    if (!overlapsAny(window, windows)) insertInTimeOrder(windows, window);
  }
  return windows;
}

/**
 * The local hours in which ad-hoc prompts reach a person: the scenario's adHocHoursLocal, restricted
 * to the person's free hours when the scenario respects waking hours (see schedulableHours).
 */
export function adHocHoursFor(scenario: Scenario, rhythm: DailyRhythm): number[] {
  const { from, to } = scenario.schedule.adHocHoursLocal;
  const span = (to - from + 24) % 24;
  if (span === 0) return [];
  if (!scenario.schedule.respectWakingHours) return Array.from({ length: span }, (_, offset) => from + offset);
  return schedulableHours(rhythm, from, span);
}

/** The scheduled windows that open in [from, until), the first at `firstAt`, in time order. */
function scheduledWindows(firstAt: number, from: number, until: number, everyMs: number, policy: VerdictPolicy): CheckInWindow[] {
  const windows: CheckInWindow[] = [];
  for (let opensAt = firstAt; opensAt < until; opensAt = Math.round(opensAt + everyMs)) {
    if (opensAt < from) continue;
    const window = makeWindow('scheduled', opensAt, policy);
    if (windows.length === 0 || window.opensAt >= windows[windows.length - 1]!.closesAt) windows.push(window);
  }
  return windows;
}

/**
 * The scheduled windows of a person supervised the whole period (most people), by the instant the
 * first opens: the same for everyone who shares it, so made once and shared (read only), not made for
 * each person, whose own list is a copy that ad-hoc windows join.
 */
function wholePeriodScheduledWindows(scenario: Scenario, firstAt: number): readonly CheckInWindow[] {
  const byFirst = scheduledWindowsByFirst(scenario);
  let windows = byFirst.get(firstAt);
  if (windows === undefined) {
    windows = scheduledWindows(firstAt, 0, scenario.days * DAY_MS, scenario.schedule.checkInEveryDays * DAY_MS, scenario.policy);
    byFirst.set(firstAt, windows);
  }
  return windows;
}

const scheduledWindowsByFirst = memoizeLast((_scenario: Scenario) => new Map<number, readonly CheckInWindow[]>());

function makeWindow(kind: WindowKind, opensAt: number, policy: VerdictPolicy): CheckInWindow {
  return { kind, opensAt, closesAt: windowClosesAt(opensAt, kind, policy) };
}

function insertInTimeOrder(windows: CheckInWindow[], window: CheckInWindow): void {
  let index = windows.length;
  windows.push(window);
  for (; index > 0 && windows[index - 1]!.opensAt > window.opensAt; index--) windows[index] = windows[index - 1]!;
  windows[index] = window;
}

function overlapsAny(window: CheckInWindow, others: readonly CheckInWindow[]): boolean {
  for (const other of others) if (window.opensAt < other.closesAt && other.opensAt < window.closesAt) return true;
  return false;
}
