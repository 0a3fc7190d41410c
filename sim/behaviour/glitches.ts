import type { RandomStream } from '../rng/index.ts';
import { CONNECTIVITY_CLASSES, DEVICE_TIERS } from '../../scenarios/catalog.ts';
import { CAUSE_INDEX, FAILURE_CAUSES } from '../../scenarios/vocabulary.ts';
import { carrierOutageEnd, releaseCrashProbability, type ShockCalendar } from './shocks.ts';
import type { DeviceSpells } from './device-spells.ts';
import { memoizeLast } from '../last-argument-memo.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** No cause: the attempt's sample leaves the phone. */
export const NO_CAUSE = -1;

/**
 * One participant's per-attempt failure probabilities: the scenario's base rates scaled by phone tier
 * (what the handset does: crashes, capture, GPS) and by connectivity (what the network does:
 * notifications, service, uploads, calls). Correlated shocks and device spells are looked up at the
 * attempt's instant. Failures persist: the attempt after a failed one meets the same cause again with
 * that cause's `sameCauseOnRetry` probability, and is drawn afresh otherwise.
 */
export class GlitchProfile {
  readonly pushLost: number;
  readonly pushLate: number;
  readonly noService: number;
  readonly appCrash: number;
  readonly captureFailure: number;
  readonly gpsFixFailure: number;
  readonly uploadTimeout: number;
  readonly callDropped: number;
  /** Indexed by cause: the chance that the next attempt meets it again (0 for causes that do not persist this way). */
  private readonly persistence: Float64Array;

  constructor(
    g: Scenario['glitches'],
    tier: number,
    connectivity: number,
    private readonly phoneModel: number,
    private readonly carrier: number,
    private readonly timeZone: number,
    private readonly devices: DeviceSpells,
  ) {
    const factors = scaledFactors(g);
    const device = factors.byTier[tier]!;
    const network = factors.byConnectivity[connectivity]!;
    this.pushLost = capped(g.pushLost * network);
    this.pushLate = capped(g.pushLate * network);
    this.noService = capped(g.noService * network);
    this.appCrash = capped(g.appCrash * device);
    this.captureFailure = capped(g.captureFailure * device);
    this.gpsFixFailure = capped(g.gpsFixFailure * device);
    this.uploadTimeout = capped(g.uploadTimeout * network);
    this.callDropped = capped(g.callDropped * network);
    this.persistence = persistenceByCause(g.sameCauseOnRetry);
  }

  /**
   * The client-side stages of an app attempt at `at`, in the order a session meets them; returns the
   * failing stage's cause index, or NO_CAUSE when the sample leaves the phone. `repeat` decides whether
   * the previous attempt's cause comes back. Five draws, always.
   */
  appAttemptFailure(stream: RandomStream, shocks: ShockCalendar, at: number, previousCause: number, repeat: number): number {
    const unavailable = stream.uniform();
    const crash = stream.uniform();
    const capture = stream.uniform();
    const gps = stream.uniform();
    const upload = stream.uniform();
    const deviceCause = this.devices.causeAt(at, true);
    if (deviceCause !== NO_CAUSE) return deviceCause;
    if (this.networkDown(shocks, at)) return CAUSE_INDEX.carrier_outage;
    if (previousCause !== NO_CAUSE && repeat < this.persistence[previousCause]!) return previousCause;
    if (unavailable < this.noService) return CAUSE_INDEX.no_service;
    if (crash < Math.max(this.appCrash, releaseCrashProbability(shocks, this.phoneModel, at))) return CAUSE_INDEX.app_crash;
    if (capture < this.captureFailure) return CAUSE_INDEX.capture_failure;
    if (gps < this.gpsFixFailure) return CAUSE_INDEX.gps_fix_failure;
    if (upload < this.uploadTimeout) return CAUSE_INDEX.upload_timeout;
    return NO_CAUSE;
  }

  /** The client-side stages of a check-in call the person makes. Two draws, always. */
  callAttemptFailure(stream: RandomStream, shocks: ShockCalendar, at: number, previousCause: number, repeat: number): number {
    const unavailable = stream.uniform();
    const dropped = stream.uniform();
    const deviceCause = this.devices.causeAt(at, false);
    if (deviceCause !== NO_CAUSE) return deviceCause;
    if (this.networkDown(shocks, at)) return CAUSE_INDEX.carrier_outage;
    if (previousCause !== NO_CAUSE && repeat < this.persistence[previousCause]!) return previousCause;
    if (unavailable < this.noService) return CAUSE_INDEX.no_service;
    if (dropped < this.callDropped) return CAUSE_INDEX.call_dropped;
    return NO_CAUSE;
  }

  /** When the participant's carrier is down at `at`, the instant it comes back; otherwise -1. */
  networkBackAt(shocks: ShockCalendar, at: number): number {
    return carrierOutageEnd(shocks, this.carrier, this.timeZone, at);
  }

  private networkDown(shocks: ShockCalendar, at: number): boolean {
    return this.networkBackAt(shocks, at) >= 0;
  }
}

/**
 * The device factor of each tier and the network factor of each connectivity class, by index (read by
 * name once, not for every participant). glitches.scale multiplies every rate (1 leaves them exactly
 * as they are: x · 1 === x).
 */
const scaledFactors = memoizeLast((g: Scenario['glitches']) => ({
  byTier: DEVICE_TIERS.map((tier) => g.tierFactor[tier] * g.scale),
  byConnectivity: CONNECTIVITY_CLASSES.map((name) => g.connectivityFactor[name] * g.scale),
}));

/** The scenario's persistence by cause index (the same for every participant, so built once). */
const persistenceByCause = memoizeLast((sameCause: Scenario['glitches']['sameCauseOnRetry']): Float64Array => {
  const byCause = new Float64Array(FAILURE_CAUSES.length);
  byCause[CAUSE_INDEX.no_service] = sameCause.noService;
  byCause[CAUSE_INDEX.app_crash] = sameCause.appCrash;
  byCause[CAUSE_INDEX.capture_failure] = sameCause.captureFailure;
  byCause[CAUSE_INDEX.gps_fix_failure] = sameCause.gpsFixFailure;
  byCause[CAUSE_INDEX.upload_timeout] = sameCause.uploadTimeout;
  byCause[CAUSE_INDEX.call_dropped] = sameCause.callDropped;
  return byCause;
});

function capped(probability: number): number {
  return Math.min(1, probability);
}
