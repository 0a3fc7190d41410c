import type { RandomStream } from '../rng/index.ts';
import { CONNECTIVITY_CLASSES, DEVICE_TIERS } from '../population/catalog.ts';
import { CAUSE_INDEX } from '../../scenarios/vocabulary.ts';
import { carrierOutageEnd, releaseCrashProbability, type ShockCalendar } from './shocks.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/**
 * One participant's per-attempt failure probabilities: the scenario's base rates scaled by phone tier
 * (what the handset does: crashes, capture, GPS) and by connectivity (what the network does:
 * notifications, service, uploads, calls). Correlated shocks are looked up at the attempt's instant.
 */
export class GlitchProfile {
  readonly pushLost: number;
  readonly pushLate: number;
  readonly phoneUnavailable: number;
  readonly appCrash: number;
  readonly captureFailure: number;
  readonly gpsFixFailure: number;
  readonly uploadTimeout: number;
  readonly callNoAnswer: number;
  readonly callDropped: number;

  constructor(
    g: Scenario['glitches'],
    tier: number,
    connectivity: number,
    private readonly phoneModel: number,
    private readonly carrier: number,
    private readonly timeZone: number,
  ) {
    // glitches.scale multiplies every rate (1 leaves them exactly as they are: x · 1 === x).
    const device = g.tierFactor[DEVICE_TIERS[tier]!] * g.scale;
    const network = g.connectivityFactor[CONNECTIVITY_CLASSES[connectivity]!] * g.scale;
    this.pushLost = capped(g.pushLost * network);
    this.pushLate = capped(g.pushLate * network);
    this.phoneUnavailable = capped(g.phoneUnavailable * network);
    this.appCrash = capped(g.appCrash * device);
    this.captureFailure = capped(g.captureFailure * device);
    this.gpsFixFailure = capped(g.gpsFixFailure * device);
    this.uploadTimeout = capped(g.uploadTimeout * network);
    this.callNoAnswer = capped(g.callNoAnswer * network);
    this.callDropped = capped(g.callDropped * network);
  }

  /**
   * The client-side stages of an app attempt at `at`, in the order a session meets them; returns
   * the failing stage's cause index, or -1 when the sample leaves the phone. Five draws, always.
   */
  appAttemptFailure(stream: RandomStream, shocks: ShockCalendar, at: number): number {
    const unavailable = stream.uniform();
    const crash = stream.uniform();
    const capture = stream.uniform();
    const gps = stream.uniform();
    const upload = stream.uniform();
    if (unavailable < this.phoneUnavailable || this.networkDown(shocks, at)) return CAUSE_INDEX.no_service;
    if (crash < Math.max(this.appCrash, releaseCrashProbability(shocks, this.phoneModel, at))) return CAUSE_INDEX.app_crash;
    if (capture < this.captureFailure) return CAUSE_INDEX.capture_failure;
    if (gps < this.gpsFixFailure) return CAUSE_INDEX.gps_fix_failure;
    if (upload < this.uploadTimeout) return CAUSE_INDEX.upload_timeout;
    return -1;
  }

  /** The client-side stages of a phone check-in call. Two draws, always. */
  callAttemptFailure(stream: RandomStream, shocks: ShockCalendar, at: number): number {
    const unavailable = stream.uniform();
    const dropped = stream.uniform();
    if (unavailable < this.phoneUnavailable || this.networkDown(shocks, at)) return CAUSE_INDEX.no_service;
    if (dropped < this.callDropped) return CAUSE_INDEX.call_dropped;
    return -1;
  }

  /** When the participant's carrier is down at `at`, the instant it comes back; otherwise -1. */
  networkBackAt(shocks: ShockCalendar, at: number): number {
    return carrierOutageEnd(shocks, this.carrier, this.timeZone, at);
  }

  private networkDown(shocks: ShockCalendar, at: number): boolean {
    return this.networkBackAt(shocks, at) >= 0;
  }
}

function capped(probability: number): number {
  return Math.min(1, probability);
}
