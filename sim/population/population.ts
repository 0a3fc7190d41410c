import { MODALITIES } from '../../scenarios/vocabulary.ts';
import { participantStreams } from '../rng/index.ts';
import { DAY_MS } from '../virtual-time.ts';
import { rhythmFor } from '../behaviour/daily-rhythm.ts';
import { schedulableHours } from '../behaviour/free-hours.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import {
  CARRIERS,
  CONNECTIVITY_CLASSES,
  DEVICE_TIERS,
  LANGUAGES,
  PHONE_MODELS,
  TIME_ZONES,
  WEEKDAYS,
  WORK_SHIFTS,
  cumulativeShares,
} from '../../scenarios/catalog.ts';

const MONTH_MS = 30 * DAY_MS;

/**
 * The participants of one id range, stored column-wise: row r is participant `firstId + r`.
 * Categorical columns hold indexes into the catalog's tables. Everything here is drawn from each
 * participant's own 'profile' stream, so a participant is the same whatever range it is built in.
 * Names and other display-only fields are not stored: see profile-card.ts.
 */
export class Population {
  // Declared, not class fields, for the reason given at ParticipantLife's (participant-life.ts).
  declare readonly firstId: number;
  declare readonly size: number;
  declare readonly timeZone: Uint8Array;
  declare readonly deviceTier: Uint8Array;
  declare readonly phoneModel: Uint8Array;
  declare readonly carrier: Uint8Array;
  declare readonly connectivity: Uint8Array;
  declare readonly workShift: Uint8Array;
  declare readonly language: Uint8Array;
  declare readonly modality: Uint8Array;
  /** Local hour of the weekly scheduled check-in. */
  declare readonly checkInHour: Uint8Array;
  /** Day of the first scheduled check-in, 0 ≤ d < checkInEveryDays. */
  declare readonly checkInDay: Uint16Array;
  /** 1 for people who are always hard to match (CALIBRATION: score model). */
  declare readonly hardToMatch: Uint8Array;
  /** Virtual time of enrolment (≤ 0: before the period starts). */
  declare readonly enrolledAt: Float64Array;
  declare readonly hearingAt: Float64Array;
  /** Hidden intent: when the participant absconds, or +Infinity for one who stays compliant. */
  declare readonly abscondAt: Float64Array;

  constructor(firstId: number, size: number) {
    this.firstId = firstId;
    this.size = size;
    this.timeZone = new Uint8Array(size);
    this.deviceTier = new Uint8Array(size);
    this.phoneModel = new Uint8Array(size);
    this.carrier = new Uint8Array(size);
    this.connectivity = new Uint8Array(size);
    this.workShift = new Uint8Array(size);
    this.language = new Uint8Array(size);
    this.modality = new Uint8Array(size);
    this.checkInHour = new Uint8Array(size);
    this.checkInDay = new Uint16Array(size);
    this.hardToMatch = new Uint8Array(size);
    this.enrolledAt = new Float64Array(size);
    this.hearingAt = new Float64Array(size);
    this.abscondAt = new Float64Array(size);
  }

  /**
   * The participant of a row: the number that keys its random streams in every mode, and (as
   * `p<number>`) its id on a server.
   */
  idOf(row: number): number {
    return this.firstId + row;
  }
}

/** Builds participants [firstId, firstId + size) of a scenario. */
export function buildPopulation(scenario: Scenario, firstId: number, size: number): Population {
  const population = new Population(firstId, size);
  const tables = profileTables(scenario);
  const { checkInHourLocal, checkInEveryDays } = scenario.schedule;
  const hourSpan = Math.max(0, checkInHourLocal.latest - checkInHourLocal.earliest) + 1;
  const checkInHoursByShift = WORK_SHIFTS.map((_shift, shift) => checkInHoursFor(scenario, shift, checkInHourLocal.earliest, hourSpan));
  const checkInDays = Math.max(1, Math.ceil(checkInEveryDays));
  const { hearingDaysAhead, enrolledMonthsAgoMax } = scenario.population;
  const hazard = scenario.behaviour.abscondHazardPerDay;
  const logSurvival = Math.log1p(-hazard);
  const fixedCheckInDay = checkInDayOfWeekday(scenario);
  const { enrolment } = scenario.population;
  const periodMs = scenario.days * DAY_MS;
  const profileStreams = participantStreams(scenario.seed, 'profile');
  const enrolmentStreams = participantStreams(scenario.seed, 'enrolment');

  // One stream, re-seeded for each participant in turn, rather than a new one for each (an allocation
  // escape analysis does not remove).
  const stream = profileStreams.stream(firstId);
  for (let row = 0; row < size; row++) {
    profileStreams.reseed(stream, population.idOf(row));
    population.timeZone[row] = stream.pickCumulative(tables.timeZone);
    const tier = stream.pickCumulative(tables.deviceTier);
    population.deviceTier[row] = tier;
    population.phoneModel[row] = tables.modelsByTier[tier]![stream.pickCumulative(tables.modelShareByTier[tier]!)]!;
    population.carrier[row] = stream.pickCumulative(tables.carrier);
    population.connectivity[row] = stream.pickCumulative(tables.connectivity);
    population.workShift[row] = stream.pickCumulative(tables.workShift);
    population.language[row] = stream.pickCumulative(tables.language);
    population.modality[row] = stream.pickCumulative(tables.modality);
    const checkInHours = checkInHoursByShift[population.workShift[row]!]!;
    population.checkInHour[row] = checkInHours[Math.floor(stream.uniform() * checkInHours.length)]! % 24;
    const drawnCheckInDay = stream.integer(checkInDays);
    population.checkInDay[row] = fixedCheckInDay ?? drawnCheckInDay;
    population.hardToMatch[row] = stream.bernoulli(scenario.biometrics.hardToMatchShare) ? 1 : 0;
    population.enrolledAt[row] = -Math.floor(stream.uniform() * enrolledMonthsAgoMax * MONTH_MS);
    const hearingDays = hearingDaysAhead.min + stream.uniform() * Math.max(0, hearingDaysAhead.max - hearingDaysAhead.min);
    population.hearingAt[row] = Math.floor(hearingDays * DAY_MS);
    population.abscondAt[row] = abscondTime(stream.uniform(), stream.uniform(), logSurvival);
    if (enrolment.initialShare < 1) {
      // Joiners draw from a stream of their own, so that the profile stream, and with it every other
      // column, is the same as in a run where everyone is enrolled from the start.
      const joinsAt = enrolmentTime(enrolmentStreams.stream(population.idOf(row)).uniform(), enrolment, periodMs);
      if (joinsAt > 0) {
        population.enrolledAt[row] = joinsAt;
        population.hearingAt[row] = population.hearingAt[row]! + joinsAt;
        population.abscondAt[row] = population.abscondAt[row]! + joinsAt;
      }
    }
  }
  return population;
}

/**
 * When a participant joins (CALIBRATION: fleet on the app, growing ~25× in under 3 years): 0 for the
 * initial share s, otherwise during the period T so that the enrolled share at t is s^(1-t/T)
 * (exponential) or s + (1-s)·t/T (linear). Inverse-CDF of one uniform.
 */
function enrolmentTime(draw: number, enrolment: Scenario['population']['enrolment'], periodMs: number): number {
  const share = enrolment.initialShare;
  if (draw < share) return 0;
  const fraction = enrolment.curve === 'linear' ? (draw - share) / (1 - share) : 1 - Math.log(draw) / Math.log(share);
  return Math.min(periodMs - 1, Math.floor(fraction * periodMs));
}

/** The day index (0 = startDate) of the scenario's check-in weekday in its first week, or undefined for 'any'. */
function checkInDayOfWeekday(scenario: Scenario): number | undefined {
  const weekday = scenario.schedule.checkInWeekday;
  if (weekday === 'any') return undefined;
  const startWeekday = (new Date(`${scenario.startDate}T00:00:00Z`).getUTCDay() + 6) % 7; // 0 = Monday
  return (WEEKDAYS.indexOf(weekday as (typeof WEEKDAYS)[number]) - startWeekday + 7) % 7;
}

/**
 * The hours the officer may set for a person's scheduled check-in (drawn uniformly from them): those
 * the person can make, awake and off work (ASSUMPTION), unless the scenario ignores sleep and shifts.
 */
function checkInHoursFor(scenario: Scenario, workShift: number, earliest: number, hourSpan: number): number[] {
  if (!scenario.schedule.respectWakingHours) return Array.from({ length: hourSpan }, (_, offset) => earliest + offset);
  return schedulableHours(rhythmFor(scenario, 0, workShift), earliest, hourSpan);
}

/**
 * Absconding as a daily hazard h: the day of absconding is geometric, P(day = k) = (1-h)^k h, so the
 * share gone by day D is 1-(1-h)^D exactly (CALIBRATION: absconding). The instant within the day is uniform.
 */
function abscondTime(dayDraw: number, instantDraw: number, logSurvival: number): number {
  if (logSurvival === 0) return Number.POSITIVE_INFINITY;
  if (logSurvival === Number.NEGATIVE_INFINITY) return Math.floor(instantDraw * DAY_MS);
  const day = Math.floor(Math.log(1 - dayDraw) / logSurvival);
  return day * DAY_MS + Math.floor(instantDraw * DAY_MS);
}

interface ProfileTables {
  timeZone: Float64Array;
  deviceTier: Float64Array;
  modelsByTier: number[][];
  modelShareByTier: Float64Array[];
  carrier: Float64Array;
  connectivity: Float64Array;
  workShift: Float64Array;
  language: Float64Array;
  modality: Float64Array;
}

function profileTables(scenario: Scenario): ProfileTables {
  const { population } = scenario;
  const modelsByTier = DEVICE_TIERS.map((tier) =>
    PHONE_MODELS.flatMap((model, index) => (model.tier === tier ? [index] : [])),
  );
  return {
    timeZone: cumulativeShares(TIME_ZONES.map((zone) => zone.share)),
    deviceTier: cumulativeShares(DEVICE_TIERS.map((tier) => population.deviceTier[tier])),
    modelsByTier,
    modelShareByTier: modelsByTier.map((indexes) => cumulativeShares(indexes.map((index) => PHONE_MODELS[index]!.share))),
    carrier: cumulativeShares(CARRIERS.map((carrier) => carrier.share)),
    connectivity: cumulativeShares(CONNECTIVITY_CLASSES.map((name) => population.connectivity[name])),
    workShift: cumulativeShares(WORK_SHIFTS.map((name) => population.workShift[name])),
    language: cumulativeShares(LANGUAGES.map((language) => language.share)),
    modality: cumulativeShares(MODALITIES.map((name) => population.modality[name])),
  };
}
