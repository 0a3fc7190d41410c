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
 * The returned causes' indexes as constants: a `CAUSE_INDEX.app_crash` at the return is a property
 * read whose type feedback exists only once that cause has occurred, so the first app crash (say) after
 * the attempt was optimized threw its optimized code away (--trace-deopt, seed 1).
 */
const { carrier_outage: CARRIER_OUTAGE, no_service: NO_SERVICE, app_crash: APP_CRASH, capture_failure: CAPTURE_FAILURE, gps_fix_failure: GPS_FIX_FAILURE, upload_timeout: UPLOAD_TIMEOUT, call_dropped: CALL_DROPPED } =
  CAUSE_INDEX;

/**
 * One participant's per-attempt failure probabilities: the scenario's base rates scaled by phone tier
 * (what the handset does: crashes, capture, GPS) and by connectivity (what the network does:
 * notifications, service, uploads, calls). Correlated shocks and device spells are looked up at the
 * attempt's instant. Failures persist: the attempt after a failed one meets the same cause again with
 * that cause's `sameCauseOnRetry` probability, and is drawn afresh otherwise.
 */
export class GlitchProfile {
  /** The rates of the participant's tier and connectivity, shared with everyone who has both. */
  readonly rates: GlitchRates;

  constructor(
    g: Scenario['glitches'],
    tier: number,
    connectivity: number,
    private readonly phoneModel: number,
    private readonly carrier: number,
    private readonly timeZone: number,
    private readonly devices: DeviceSpells,
  ) {
    this.rates = ratesByTierAndConnectivity(g)[tier]![connectivity]!;
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
    if (this.networkDown(shocks, at)) return CARRIER_OUTAGE;
    if (previousCause !== NO_CAUSE && repeat < this.rates.persistence[previousCause]!) return previousCause;
    if (unavailable < this.rates.noService) return NO_SERVICE;
    if (crash < Math.max(this.rates.appCrash, releaseCrashProbability(shocks, this.phoneModel, at))) return APP_CRASH;
    if (capture < this.rates.captureFailure) return CAPTURE_FAILURE;
    if (gps < this.rates.gpsFixFailure) return GPS_FIX_FAILURE;
    if (upload < this.rates.uploadTimeout) return UPLOAD_TIMEOUT;
    return NO_CAUSE;
  }

  /** The client-side stages of a check-in call the person makes. Two draws, always. */
  callAttemptFailure(stream: RandomStream, shocks: ShockCalendar, at: number, previousCause: number, repeat: number): number {
    const unavailable = stream.uniform();
    const dropped = stream.uniform();
    const deviceCause = this.devices.causeAt(at, false);
    if (deviceCause !== NO_CAUSE) return deviceCause;
    if (this.networkDown(shocks, at)) return CARRIER_OUTAGE;
    if (previousCause !== NO_CAUSE && repeat < this.rates.persistence[previousCause]!) return previousCause;
    if (unavailable < this.rates.noService) return NO_SERVICE;
    if (dropped < this.rates.callDropped) return CALL_DROPPED;
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

/** The per-attempt failure probabilities of one device tier and connectivity class, and the persistence of each cause. */
interface GlitchRates {
  readonly pushLost: number;
  readonly pushLate: number;
  readonly noService: number;
  readonly appCrash: number;
  readonly captureFailure: number;
  readonly gpsFixFailure: number;
  readonly uploadTimeout: number;
  readonly callDropped: number;
  /** Indexed by cause: the chance that the next attempt meets it again (0 for causes that do not persist this way). */
  readonly persistence: Float64Array;
}

/** The scenario's rates of each device tier and connectivity class (by index), made once rather than for every participant. */
const ratesByTierAndConnectivity = memoizeLast((g: Scenario['glitches']): GlitchRates[][] => {
  const persistence = persistenceByCause(g.sameCauseOnRetry);
  return DEVICE_TIERS.map((tierName) =>
    CONNECTIVITY_CLASSES.map((connectivityName) => {
      // glitches.scale multiplies every rate (1 leaves them exactly as they are: x · 1 === x).
      const device = g.tierFactor[tierName] * g.scale;
      const network = g.connectivityFactor[connectivityName] * g.scale;
      return {
        pushLost: capped(g.pushLost * network),
        pushLate: capped(g.pushLate * network),
        noService: capped(g.noService * network),
        appCrash: capped(g.appCrash * device),
        captureFailure: capped(g.captureFailure * device),
        gpsFixFailure: capped(g.gpsFixFailure * device),
        uploadTimeout: capped(g.uploadTimeout * network),
        callDropped: capped(g.callDropped * network),
        persistence,
      };
    }),
  );
});

/** The scenario's persistence by cause index. */
function persistenceByCause(sameCause: Scenario['glitches']['sameCauseOnRetry']): Float64Array {
  const byCause = new Float64Array(FAILURE_CAUSES.length);
  byCause[CAUSE_INDEX.no_service] = sameCause.noService;
  byCause[CAUSE_INDEX.app_crash] = sameCause.appCrash;
  byCause[CAUSE_INDEX.capture_failure] = sameCause.captureFailure;
  byCause[CAUSE_INDEX.gps_fix_failure] = sameCause.gpsFixFailure;
  byCause[CAUSE_INDEX.upload_timeout] = sameCause.uploadTimeout;
  byCause[CAUSE_INDEX.call_dropped] = sameCause.callDropped;
  return byCause;
}

function capped(probability: number): number {
  return Math.min(1, probability);
}
