import { keyedPrefixAt, keyedRoot, keyedUniformAt } from '../rng/index.ts';
import { DAY_MS, HOUR_MS } from '../virtual-time.ts';
import { CAUSE_INDEX } from '../../scenarios/vocabulary.ts';
import { memoizeLast } from '../last-argument-memo.ts';
import type { Scenario } from '../../scenarios/schema.ts';

type DeviceStates = Scenario['devices'];
type DeviceStateName = keyof DeviceStates;

/** Each device state's cause, and whether it stops the whole phone or only the app's selfie. */
const DEVICE_STATES: readonly { name: DeviceStateName; cause: number; appOnly: boolean }[] = [
  { name: 'batteryDead', cause: CAUSE_INDEX.battery_dead, appOnly: false },
  { name: 'noCredit', cause: CAUSE_INDEX.no_credit, appOnly: false },
  { name: 'phoneLostOrBroken', cause: CAUSE_INDEX.phone_lost_or_broken, appOnly: false },
  { name: 'cameraBroken', cause: CAUSE_INDEX.camera_broken, appOnly: true },
  { name: 'storageFull', cause: CAUSE_INDEX.storage_full, appOnly: true },
];

/** Keys of the device draws: one key per state (0x646576 is 'dev'), apart from every other keyed draw. */
const DEVICE_KEY = 0x64657600;

interface ActiveState {
  key: number;
  /** How long before the period the state's process starts, so that a spell can be under way when it opens. */
  warmUpMs: number;
  cause: number;
  appOnly: boolean;
  meanGapMs: number;
  medianMs: number;
  sigma: number;
  /** The last (from, until) asked of firstSpellTooLate, and its threshold on the first draw. */
  thresholdFrom: number;
  thresholdUntil: number;
  threshold: number;
}

/** The states with a hazard above zero, with what drawing their spells needs (the same for everyone). */
const activeStates = memoizeLast((devices: DeviceStates): ActiveState[] =>
  DEVICE_STATES.flatMap((state, index) => {
    const { hazardPerDay, durationHours } = devices[state.name];
    if (hazardPerDay === 0) return [];
    const { cause, appOnly } = state;
    const medianMs = durationHours.medianHours * HOUR_MS;
    return [
      {
        key: DEVICE_KEY + index,
        warmUpMs: WARM_UP_MEDIANS * medianMs,
        cause,
        appOnly,
        meanGapMs: DAY_MS / hazardPerDay,
        medianMs,
        sigma: durationHours.sigma,
        thresholdFrom: Number.NaN,
        thresholdUntil: Number.NaN,
        threshold: Number.NaN,
      },
    ];
  }),
);

/**
 * Whether the first spell of `state`, drawn with `firstDraw`, surely starts at or after `until` (most
 * people's case), known without its logarithm. The first start, from - warmUp - meanGap·ln(1 - u), is at
 * or after `until` exactly when u ≥ 1 - exp(-(until - from + warmUp) / meanGap); a draw above that by
 * THRESHOLD_MARGIN puts the start at least meanGap·THRESHOLD_MARGIN after `until` (3.6 ms or more: hazards are at most 24 a day), far
 * beyond the rounding of either formula, so the answer is the one the logarithm gives. Draws within the
 * margin are left to the logarithm. The threshold is kept for the last (from, until), which most share.
 */
function firstSpellTooLate(state: ActiveState, firstDraw: number, from: number, until: number): boolean {
  if (from !== state.thresholdFrom || until !== state.thresholdUntil) {
    state.thresholdFrom = from;
    state.thresholdUntil = until;
    state.threshold = 1 - Math.exp(-(until - from + state.warmUpMs) / state.meanGapMs) + THRESHOLD_MARGIN;
  }
  return firstDraw >= state.threshold;
}

const THRESHOLD_MARGIN = 1e-6;

/**
 * A state's process starts this many median durations before the period: phones do not all work on
 * the first day, and the share in a spell has settled long before (it relaxes at the rate spells end).
 */
const WARM_UP_MEDIANS = 20;

/** The spells of DeviceSpells, FIELDS numbers each, in the order of the states and then of time. */
function drawSpells(seed: number, participantId: number, devices: DeviceStates, from: number, until: number): number[] {
  const spells: number[] = [];
  const root = keyedRoot(seed, participantId);
  for (const state of activeStates(devices)) {
    const key = keyedPrefixAt(root, state.key);
    const firstDraw = keyedUniformAt(key, 0);
    if (firstSpellTooLate(state, firstDraw, from, until)) continue;
    let draw = 1;
    for (let at = from - state.warmUpMs - state.meanGapMs * Math.log(1 - firstDraw); at < until; ) {
      // Box–Muller: a standard normal from two uniforms.
      const radius = Math.sqrt(-2 * Math.log(1 - keyedUniformAt(key, draw++)));
      const normal = radius * Math.cos(2 * Math.PI * keyedUniformAt(key, draw++));
      const end = at + state.medianMs * Math.exp(state.sigma * normal);
      if (end > from) spells.push(Math.round(at), Math.round(end), state.cause, state.appOnly ? 1 : 0);
      at = end - state.meanGapMs * Math.log(1 - keyedUniformAt(key, draw++));
    }
  }
  return spells;
}

/** Fields of one spell in `spells`, in this order. */
const FIELDS = 4;
const [START, END, CAUSE, APP_ONLY] = [0, 1, 2, 3];

/**
 * The spells in which one person's phone cannot be used (CALIBRATION: phone unusable for hours or
 * days): for each device state, spells start as a Poisson process with the state's hazard per day
 * over the time the phone is not already in such a spell, and last a log-normal time; the process runs
 * from well before `from`, so that a spell may already be under way when the period opens. The draws are
 * keyed by (seed, participant, state, n) rather than taken from a stream, so the rest of the life
 * draws the same values whatever the device settings (common random numbers), at no stream's cost.
 */
export class DeviceSpells {
  /** start, end, cause, appOnly (1 or 0) of each spell; empty for most people. */
  private readonly spells: number[];

  // The drawing is a function of its own: a constructor this small is inlined where it is called,
  // where one with the draws in it was made through V8's generic construct stub.
  constructor(seed: number, participantId: number, devices: DeviceStates, from: number, until: number) {
    this.spells = drawSpells(seed, participantId, devices, from, until);
  }

  /**
   * The cause of the spell that stops the phone at `at` (ignoring app-only states unless `forApp`), or
   * -1; when several overlap, the one that lasts longest.
   */
  causeAt(at: number, forApp: boolean): number {
    const offset = this.spellAt(at, forApp);
    // `| 0`: the spells hold instants, so their array holds doubles; a cause read from it as a double
    // turned the life's cause fields from small integers to doubles mid-shard (a new map for every life).
    return offset < 0 ? -1 : this.spells[offset + CAUSE]! | 0;
  }

  /** When the whole-phone spell covering `at` ends (the phone can be reached again), or -1. */
  phoneBackAt(at: number): number {
    const offset = this.spellAt(at, false);
    return offset < 0 ? -1 : this.spells[offset + END]!;
  }

  private spellAt(at: number, forApp: boolean): number {
    const spells = this.spells;
    let found = -1;
    for (let offset = 0; offset < spells.length; offset += FIELDS) {
      if (at < spells[offset + START]! || at >= spells[offset + END]! || (spells[offset + APP_ONLY] === 1 && !forApp)) continue;
      if (found < 0 || spells[offset + END]! > spells[found + END]!) found = offset;
    }
    return found;
  }
}
