import { participantStream } from '../rng/index.ts';
import { DAY_MS, HOUR_MS } from '../virtual-time.ts';
import { CAUSE_INDEX } from '../../scenarios/vocabulary.ts';
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

/**
 * The spells in which one person's phone cannot be used (CALIBRATION: phone unusable for hours or
 * days): for each device state, spells start as a Poisson process with the state's hazard per day and
 * last a log-normal time. Drawn from the participant's own 'device' stream, so the rest of its life
 * draws the same values whatever the device settings (common random numbers).
 */
export class DeviceSpells {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly causes: number[] = [];
  private readonly appOnly: boolean[] = [];

  constructor(seed: number, participantId: number, devices: DeviceStates, from: number, until: number) {
    if (!DEVICE_STATES.some(({ name }) => devices[name].hazardPerDay > 0)) return;
    const stream = participantStream(seed, 'device', participantId);
    for (const state of DEVICE_STATES) {
      const { hazardPerDay, durationHours } = devices[state.name];
      if (hazardPerDay === 0) continue;
      const meanGapMs = DAY_MS / hazardPerDay;
      for (let at = from + stream.exponential(meanGapMs); at < until; ) {
        const end = at + stream.logNormal(durationHours.medianHours, durationHours.sigma) * HOUR_MS;
        this.starts.push(Math.round(at));
        this.ends.push(Math.round(end));
        this.causes.push(state.cause);
        this.appOnly.push(state.appOnly);
        at = end + stream.exponential(meanGapMs);
      }
    }
  }

  /**
   * The cause of the spell that stops the phone at `at` (ignoring app-only states unless `forApp`), or
   * -1; when several overlap, the one that lasts longest.
   */
  causeAt(at: number, forApp: boolean): number {
    const index = this.spellAt(at, forApp);
    return index < 0 ? -1 : this.causes[index]!;
  }

  /** When the whole-phone spell covering `at` ends (the phone can be reached again), or -1. */
  phoneBackAt(at: number): number {
    const index = this.spellAt(at, false);
    return index < 0 ? -1 : this.ends[index]!;
  }

  private spellAt(at: number, forApp: boolean): number {
    let found = -1;
    for (let index = 0; index < this.starts.length; index++) {
      if (at < this.starts[index]! || at >= this.ends[index]! || (this.appOnly[index] && !forApp)) continue;
      if (found < 0 || this.ends[index]! > this.ends[found]!) found = index;
    }
    return found;
  }
}
