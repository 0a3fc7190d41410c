import { scenarioStream } from '../rng/index.ts';
import { CARRIER_NAMES, PHONE_MODEL_NAMES, TIME_ZONE_NAMES } from '../../scenarios/catalog.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../virtual-time.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/**
 * The exogenous, correlated glitches of a run: bad app releases, carrier outages and backend outages.
 * They are fixed before any participant is simulated (the scenario's explicit list, then random ones
 * drawn from the scenario's own stream), so every shard sees the same calendar and participants stay
 * independent of one another. Spans are [start, end) in virtual time.
 */
interface BadReleaseSpan {
  phoneModel: number;
  start: number;
  end: number;
  crashProbability: number;
}

interface CarrierOutageSpan {
  carrier: number;
  /** Time zone index, or -1 for every region. */
  timeZone: number;
  start: number;
  end: number;
}

interface BackendOutageSpan {
  start: number;
  end: number;
}

export interface ShockCalendar {
  badReleases: readonly BadReleaseSpan[];
  carrierOutages: readonly CarrierOutageSpan[];
  backendOutages: readonly BackendOutageSpan[];
}

const RANDOM_BAD_RELEASE_DAYS = 2;
const RANDOM_BAD_RELEASE_CRASH = 0.9;
const RANDOM_CARRIER_OUTAGE_HOURS = 6;
const RANDOM_BACKEND_OUTAGE_MINUTES = 120;

export function drawShocks(scenario: Scenario): ShockCalendar {
  const { shocks, days } = scenario;
  const badReleases: BadReleaseSpan[] = shocks.badReleases.map((release) => ({
    phoneModel: PHONE_MODEL_NAMES.indexOf(release.phoneModel as (typeof PHONE_MODEL_NAMES)[number]),
    start: Math.round(release.startDay * DAY_MS),
    end: Math.round((release.startDay + release.durationDays) * DAY_MS),
    crashProbability: release.crashProbability,
  }));
  const carrierOutages: CarrierOutageSpan[] = shocks.carrierOutages.map((outage) => ({
    carrier: CARRIER_NAMES.indexOf(outage.carrier as (typeof CARRIER_NAMES)[number]),
    timeZone: outage.timeZone === undefined ? -1 : TIME_ZONE_NAMES.indexOf(outage.timeZone as (typeof TIME_ZONE_NAMES)[number]),
    start: Math.round(outage.startDay * DAY_MS),
    end: Math.round(outage.startDay * DAY_MS + outage.durationHours * HOUR_MS),
  }));
  const backendOutages: BackendOutageSpan[] = shocks.backendOutages.map((outage) => ({
    start: Math.round(outage.startDay * DAY_MS),
    end: Math.round(outage.startDay * DAY_MS + outage.durationMinutes * MINUTE_MS),
  }));

  // CALIBRATION: no published rates for these; the scenario sets them (ASSUMPTION, default 0).
  const stream = scenarioStream(scenario.seed, 'shocks');
  const periodMs = days * DAY_MS;
  const months = days / 30;
  const poisson = (mean: number): number => {
    let count = 0;
    for (let t = stream.exponential(1); t < mean; t += stream.exponential(1)) count++;
    return count;
  };
  const { random } = shocks;
  for (let i = poisson(random.badReleasesPerMonth * months); i > 0; i--) {
    const start = Math.floor(stream.uniform() * periodMs);
    badReleases.push({
      phoneModel: stream.integer(PHONE_MODEL_NAMES.length),
      start,
      end: start + RANDOM_BAD_RELEASE_DAYS * DAY_MS,
      crashProbability: RANDOM_BAD_RELEASE_CRASH,
    });
  }
  for (let i = poisson(random.carrierOutagesPerMonth * months); i > 0; i--) {
    const start = Math.floor(stream.uniform() * periodMs);
    carrierOutages.push({
      carrier: stream.integer(CARRIER_NAMES.length),
      timeZone: stream.integer(TIME_ZONE_NAMES.length),
      start,
      end: start + RANDOM_CARRIER_OUTAGE_HOURS * HOUR_MS,
    });
  }
  for (let i = poisson(random.backendOutagesPerMonth * months); i > 0; i--) {
    const start = Math.floor(stream.uniform() * periodMs);
    backendOutages.push({ start, end: start + RANDOM_BACKEND_OUTAGE_MINUTES * MINUTE_MS });
  }
  return { badReleases, carrierOutages, backendOutages };
}

// The lookups below run for every window or attempt, mostly over empty lists: indexed loops, which cost
// a fraction of a for-of's iterator there (callgrind).

/** Crash probability a bad release imposes on a phone model at `at`, or 0 when none is out. */
export function releaseCrashProbability(calendar: ShockCalendar, phoneModel: number, at: number): number {
  const releases = calendar.badReleases;
  let probability = 0;
  for (let index = 0; index < releases.length; index++) {
    const release = releases[index]!;
    if (release.phoneModel === phoneModel && at >= release.start && at < release.end) {
      probability = Math.max(probability, release.crashProbability);
    }
  }
  return probability;
}

/** The end of the carrier outage covering (carrier, region) at `at`, or -1 when the network is up. */
export function carrierOutageEnd(calendar: ShockCalendar, carrier: number, timeZone: number, at: number): number {
  const outages = calendar.carrierOutages;
  for (let index = 0; index < outages.length; index++) {
    const outage = outages[index]!;
    if (outage.carrier === carrier && (outage.timeZone === -1 || outage.timeZone === timeZone) && at >= outage.start && at < outage.end) {
      return outage.end;
    }
  }
  return -1;
}

export function backendIsDown(calendar: ShockCalendar, at: number): boolean {
  const outages = calendar.backendOutages;
  for (let index = 0; index < outages.length; index++) if (at >= outages[index]!.start && at < outages[index]!.end) return true;
  return false;
}
