import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { section } from './common/schema-section.ts';
import { CARRIER_NAMES, PHONE_MODEL_NAMES, TIME_ZONE_NAMES, WEEKDAYS } from './catalog.ts';

/**
 * The scenario file's schema: every field, its unit (in its name or description), its bounds and its
 * default. A scenario file names only what it changes; the loader fills the rest from here.
 * Sources of the defaults: the calibration row named in each description, or ASSUMPTION.
 */

const probability = (description: string, defaultValue: number) =>
  Type.Number({ minimum: 0, maximum: 1, default: defaultValue, description: `${description} (probability, 0..1)` });

const nonNegative = (description: string, defaultValue: number) =>
  Type.Number({ minimum: 0, default: defaultValue, description });

const positive = (description: string, defaultValue: number) =>
  Type.Number({ exclusiveMinimum: 0, default: defaultValue, description });

const shares = <K extends string>(description: string, defaults: Record<K, number>) =>
  section(
    `${description} (relative weights, normalised)`,
    Object.fromEntries(
      Object.entries<number>(defaults).map(([key, value]) => [key, nonNegative(`weight of '${key}'`, value)]),
    ) as Record<K, ReturnType<typeof nonNegative>>,
  );

const perTier = (description: string, low: number, mid: number, high: number) =>
  section(description, {
    low: nonNegative('low-tier phones', low),
    mid: nonNegative('mid-tier phones', mid),
    high: nonNegative('high-tier phones', high),
  });

const perConnectivity = (description: string, good: number, fair: number, poor: number) =>
  section(description, {
    good: nonNegative('good connectivity', good),
    fair: nonNegative('fair connectivity', fair),
    poor: nonNegative('poor connectivity', poor),
  });

const logNormal = (description: string, medianMinutes: number, sigma: number) =>
  section(description, {
    medianMinutes: positive('median, in minutes', medianMinutes),
    sigma: nonNegative('shape σ of the underlying normal', sigma),
  });

const hourOfDay = (description: string, defaultValue: number) =>
  Type.Integer({ minimum: 0, maximum: 23, default: defaultValue, description });

const deviceState = (description: string, hazardPerDay: number, medianHours: number, sigma: number) =>
  section(description, {
    hazardPerDay: Type.Number({ minimum: 0, maximum: 24, default: hazardPerDay, description: 'spells starting per day of use (a rate ≥ 0)' }),
    durationHours: section('how long a spell lasts: log-normal', {
      medianHours: Type.Number({ exclusiveMinimum: 0, maximum: 8760, default: medianHours, description: 'median, in hours (at most a year)' }),
      sigma: Type.Number({ minimum: 0, maximum: 3, default: sigma, description: 'shape σ of the underlying normal' }),
    }),
  });

const dayInPeriod = (description: string) => Type.Number({ minimum: 0, description });

/** A value a sweep grid can give a field: what a scalar field of this schema holds. */
const GridValue = Type.Union([Type.Number(), Type.Boolean(), Type.String()]);

const oneOf = (names: readonly string[], description: string): TSchema =>
  Type.String({ enum: [...names], description });

const BadRelease = Type.Object(
  {
    phoneModel: oneOf(PHONE_MODEL_NAMES, 'phone model the release breaks'),
    startDay: dayInPeriod('day of the period the release ships (0 = first day, fractions allowed)'),
    durationDays: positive('days until the fix ships', 2),
    crashProbability: probability('chance that an app session on that model crashes while the release is out', 0.9),
  },
  { additionalProperties: false },
);

const CarrierOutage = Type.Object(
  {
    carrier: oneOf(CARRIER_NAMES, 'carrier that is down'),
    timeZone: Type.Optional(oneOf(TIME_ZONE_NAMES, 'region (time zone) affected; every region if absent')),
    startDay: dayInPeriod('day of the period the outage starts (fractions allowed)'),
    durationHours: positive('length of the outage, in hours', 6),
  },
  { additionalProperties: false },
);

const BackendOutage = Type.Object(
  {
    startDay: dayInPeriod('day of the period the outage starts (fractions allowed)'),
    durationMinutes: positive('length of the outage, in minutes', 120),
  },
  { additionalProperties: false },
);

export const ScenarioSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[a-z0-9][a-z0-9-]*$', default: 'custom', description: 'scenario name (kebab-case)' }),
    description: Type.String({ default: '', description: 'the question this scenario answers' }),
    seed: Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1, default: 42, description: 'seed of every random stream' }),
    participants: Type.Integer({ minimum: 1, maximum: 20_000_000, default: 125_000, description: 'fleet size' }),
    days: Type.Integer({ minimum: 1, maximum: 3650, default: 30, description: 'length of the simulated period, in days' }),
    startDate: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      default: '2026-01-05',
      description: 'calendar date (YYYY-MM-DD, UTC midnight) that virtual time 0 stands for; the default is a Monday',
    }),

    population: section('who the participants are', {
      modality: shares(
        'how windows are answered: a selfie in the app, or a call the person makes, verified by voice (CALIBRATION: SmartLINK share of ATD, FY2022 257,454 on the app of ~280,000, which leaves telephone reporting at most ~5 %)',
        { app: 95, phone: 5 },
      ),
      deviceTier: shares('phone tier (ASSUMPTION: a low-income, prepaid-heavy fleet)', { low: 0.4, mid: 0.4, high: 0.2 }),
      connectivity: shares('connectivity class (CALIBRATION: connectivity outages)', { good: 0.55, fair: 0.3, poor: 0.15 }),
      workShift: shares('work shift (ASSUMPTION)', { none: 0.3, day: 0.4, evening: 0.15, night: 0.15 }),
      enrolledMonthsAgoMax: nonNegative('participants enrolled uniformly up to this many months before the start (ages the template)', 12),
      hearingDaysAhead: section('hearing date, uniform in a range of days after the start (CALIBRATION: time on the app 14–18 months)', {
        min: nonNegative('earliest, in days', 30),
        max: nonNegative('latest, in days', 540),
      }),
      enrolment: section('when participants join the programme (CALIBRATION: fleet on the app, ~5,000 → 125,000+ in under 3 years)', {
        initialShare: Type.Number({
          exclusiveMinimum: 0,
          maximum: 1,
          default: 1,
          description:
            'share of the participants enrolled when the period starts; the rest join during it, so the fleet grows from initialShare × participants to all of them by the last day (1: everyone enrolled from the start). A participant who joins has no window before joining, and its hearing date and absconding clock start at enrolment',
        }),
        curve: Type.String({
          enum: ['exponential', 'linear'],
          default: 'exponential',
          description: 'how the enrolled count grows over the period: exponential (the same growth rate every day) or linear (the same number of joiners every day)',
        }),
      }),
    }),

    schedule: section('when windows open', {
      checkInEveryDays: positive('days between scheduled check-ins (CALIBRATION: cadence, weekly)', 7),
      checkInHourLocal: section('local hour a participant is given for scheduled check-ins, uniform in [earliest, latest]', {
        earliest: hourOfDay('earliest hour', 8),
        latest: hourOfDay('latest hour', 17),
      }),
      checkInWeekday: Type.String({
        enum: ['any', ...WEEKDAYS],
        default: 'any',
        description:
          'weekday of every participant\'s first scheduled check-in (with checkInEveryDays 7: of all of them), in the calendar of startDate; any: a day drawn for each participant (ASSUMPTION: officers spread check-ins over the week)',
      }),
      adHocPromptsPerWeek: nonNegative('ad-hoc "selfie now" prompts per participant-week, Poisson (ASSUMPTION)', 0.5),
      adHocHoursLocal: section('local hours in which ad-hoc prompts are sent, [from, to)', {
        from: hourOfDay('first hour', 8),
        to: hourOfDay('hour after the last', 20),
      }),
      respectWakingHours: Type.Boolean({
        default: true,
        description:
          "whether scheduled check-in hours and ad-hoc prompts fall inside the person's waking, non-working hours (an hour is used when the person is awake and off work in it and in the next one; within checkInHourLocal and adHocHoursLocal when such hours exist there, otherwise at any free hour of the day, drawn uniformly; the whole range when the person has no free hour). false: uniform over those ranges whatever the person's sleep and shift (CALIBRATION: daily rhythm)",
      }),
    }),

    policy: section('the reference verdict policy (server-stub/policy), shared with the server', {
      windowMinutes: positive('length of a scheduled window, in minutes (CALIBRATION: response window 4 h)', 240),
      adHocWindowMinutes: positive('length of an ad-hoc window, in minutes (ASSUMPTION)', 120),
      graceMinutes: nonNegative('grace after a window closes, in minutes (ASSUMPTION)', 15),
      maxAttempts: Type.Integer({ minimum: 1, maximum: 20, default: 3, description: 'verification attempts allowed per window (CALIBRATION: sanity check, three attempts)' }),
      faceThreshold: Type.Number({ minimum: -1, maximum: 1, default: 0.325, description: 'cosine similarity a selfie must reach (CALIBRATION: operating point, FMR 1e-4 against random impostors)' }),
      voiceThreshold: Type.Number({ minimum: -1, maximum: 1, default: 0.325, description: 'cosine similarity a voice sample must reach' }),
      livenessThreshold: probability('liveness score below which a selfie is refused as not live (CALIBRATION: liveness false reject 2 %)', 0.02),
      escalateAfterFailedWindows: Type.Integer({ minimum: 1, maximum: 100, default: 2, description: 'consecutive failed windows that escalate a participant to an officer (ASSUMPTION)' }),
      inPersonVisitClearsStreak: Type.Boolean({ default: true, description: 'whether an in-person visit resets the failed-window streak' }),
      officersMayExcuse: Type.Boolean({
        default: true,
        description:
          'whether officers return the calls of people whose window failed and may excuse a window that a system or device failure caused; an excused window neither counts toward escalation nor forces a visit. false: no call-backs, no excuses (CALIBRATION: excusing a miss)',
      }),
    }),

    officers: section('the officers who supervise participants and return their calls (CALIBRATION: excusing a miss)', {
      caseload: Type.Integer({
        minimum: 1,
        maximum: 100_000,
        default: 125,
        description: 'participants per officer; participant ids are assigned to officers in consecutive blocks of this size (ASSUMPTION)',
      }),
      callBackMinutesPerDay: nonNegative('minutes an officer can give to call-backs each day; requests beyond wait for the next day (ASSUMPTION)', 120),
      callBackMinutes: positive('officer minutes per call-back, answered or not (ASSUMPTION)', 10),
      callBackNoAnswer: probability('a call-back the person does not answer (ASSUMPTION)', 0.3),
      excuseWithinDays: positive('a request not returned within this many days lapses: the window stays unexcused (ASSUMPTION)', 3),
    }),

    behaviour: section('how participants act', {
      responseDelay: logNormal('delay from seeing a prompt to the first attempt (CALIBRATION: response delay)', 5, 1.2),
      retryDelay: logNormal('delay between a failed attempt and the retry (ASSUMPTION)', 2, 0.8),
      sleepHoursLocal: section('no answers in these local hours (CALIBRATION: daily rhythm, 23:00–07:00); equal hours: no sleep', {
        from: hourOfDay('bedtime hour', 23),
        to: hourOfDay('waking hour', 7),
      }),
      workDelayFactor: positive('response delay multiplier during working hours (ASSUMPTION)', 3),
      eveningDelayFactor: positive('response delay multiplier 20:00–23:00, the fastest hours (CALIBRATION: daily rhythm)', 0.7),
      promptMissed: probability('a prompt simply missed by a compliant person (CALIBRATION: prompt simply missed 3 %)', 0.03),
      nonEnglishMissFactor: positive('missed-prompt multiplier for people whose language is not English (CALIBRATION: English-only instructions)', 1.5),
      remembersWithoutPush: probability('a scheduled check-in done without its notification, from memory (ASSUMPTION)', 0.5),
      abscondHazardPerDay: probability(
        'chance per day that a participant absconds (CALIBRATION: absconding on the app, under 10 % a year ≈ 0.0003 a day, and GAO\'s quarter of the unenrolled ≈ 0.0006 a day; between the two)',
        0.0005,
      ),
      impostorPerWindow: probability('chance that someone else answers a window for the participant (ASSUMPTION)', 0.001),
      lookAlikeImpostorShare: probability('share of impostors who look like the participant (CALIBRATION: look-alike impostors)', 0.2),
      fallback: section('what a person does after a failed window', {
        callOfficer: probability('share who phone their officer, asking for a call-back (ASSUMPTION)', 0.6),
        callMinutes: nonNegative('minutes the person loses to the call (ASSUMPTION)', 20),
        inPersonVisit: probability('share of unexcused failed windows after which the person is sent to report in person (ASSUMPTION)', 0.25),
        inPersonMinutes: nonNegative('minutes lost to an in-person visit, travel included (ASSUMPTION)', 240),
      }),
    }),

    glitches: section('independent per-attempt failure causes, as probabilities for a mid-tier phone on fair connectivity', {
      pushLost: probability('notification never delivered (CALIBRATION: push lost 3 %)', 0.03),
      pushLate: probability('notification delivered late (CALIBRATION: push late 10 %)', 0.1),
      pushLateDelay: logNormal('lateness of a late notification', 20, 1),
      noService: probability('no network service at the attempt (CALIBRATION: connectivity outages, ~0.2 a day of ~10 min)', 0.005),
      appCrash: probability('app crash during a session (CALIBRATION: app crash 0.05 %)', 0.0005),
      captureFailure: probability('camera or face-capture failure (CALIBRATION: face not captured 1 %)', 0.01),
      gpsFixFailure: probability('no GPS fix in time (CALIBRATION: no GPS fix 2 %)', 0.02),
      uploadTimeout: probability('upload times out (CALIBRATION: request failure 1 %)', 0.01),
      callDropped: probability('a check-in call dropped before verification (ASSUMPTION)', 0.02),
      scale: nonNegative(
        'multiplier on every glitch rate above (pushLost to callDropped; not on persistence or device states), applied with the tier and connectivity factors, each result capped at 1; for sweeps of the glitch rate as a whole (1: the rates as given)',
        1,
      ),
      tierFactor: perTier('multiplier on app crash, capture and GPS failures by phone tier (ASSUMPTION)', 2, 1, 0.6),
      connectivityFactor: perConnectivity('multiplier on push, service, upload and call failures by connectivity (ASSUMPTION)', 0.5, 1, 3),
      sameCauseOnRetry: section(
        'chance that the attempt after a failed one meets the same cause again instead of a fresh draw: the same bad signal, dim room or broken release (CALIBRATION: same cause on a retry, ~0.5)',
        {
          noService: probability('no service again', 0.5),
          appCrash: probability('the app crashes again', 0.5),
          captureFailure: probability('the face is not captured again', 0.5),
          gpsFixFailure: probability('no GPS fix again', 0.5),
          uploadTimeout: probability('the upload times out again', 0.5),
          callDropped: probability('the call drops again', 0.5),
          poorLight: probability('a selfie in poor conditions is retaken in the same poor conditions', 0.5),
        },
      ),
    }),

    devices: section(
      "spells in which the person's phone cannot be used, lasting hours or days; each a `device` cause with a hazard per day and a log-normal duration (CALIBRATION: phone unusable for hours or days; all ASSUMPTION)",
      {
        batteryDead: deviceState('battery dead or no charger: the phone is off', 0.02, 3, 1),
        noCredit: deviceState('credit or SIM lapsed: no calls, data or notifications', 0.005, 48, 0.8),
        phoneLostOrBroken: deviceState('phone lost or broken until replaced', 0.001, 120, 0.7),
        cameraBroken: deviceState('camera broken: app check-ins fail, calls still work', 0.0005, 240, 0.7),
        storageFull: deviceState('storage full: the app cannot take or keep the selfie, calls still work', 0.003, 24, 1),
      },
    ),

    biometrics: section('verification scores: sample = template + noise, compared by cosine similarity', {
      dimension: Type.Integer({ minimum: 3, maximum: 4096, default: 128, description: 'length of a template vector' }),
      faceNoise: positive('noise σ per component of a good selfie (CALIBRATION: false non-match, good selfie ~0.5 %)', 0.153),
      voiceNoise: positive('noise σ per component of a voice sample (ASSUMPTION: voice ID fails ~3 % like a poor selfie)', 0.172),
      poorCapture: probability('share of selfies taken in poor conditions by day (CALIBRATION: poor selfie)', 0.15),
      poorCaptureAtNight: probability('share of selfies taken in poor conditions 19:00–07:00', 0.4),
      poorCaptureNoiseFactor: positive('noise multiplier for a poor capture (CALIBRATION: false non-match, poor selfie ~3 %)', 1.125),
      tierNoiseFactor: perTier('noise multiplier by camera tier', 1.04, 1, 0.97),
      hardToMatchShare: probability('share of people always hard to match (CALIBRATION: score model)', 0.05),
      hardToMatchNoiseFactor: positive('noise multiplier for them (ASSUMPTION: ~20 % false non-match per attempt)', 1.25),
      ageingNoisePerYear: nonNegative('relative noise growth per year since enrolment (ASSUMPTION)', 0.03),
      lookAlikeCorrelation: Type.Number({ minimum: 0, maximum: 1, default: 0.12, description: 'template correlation of a look-alike impostor (CALIBRATION: look-alikes raise false matches ~11×)' }),
    }),

    verification: section(
      'the verification study run beside the fleet at every run and sweep point: genuine and impostor scores from the same score model, on streams of its own, to resolve rates the fleet is too small to see (DESIGN.md, "Verification study"); it changes no fleet result',
      {
        genuineWindows: Type.Integer({
          minimum: 1000,
          maximum: 100_000_000,
          default: 10_000,
          description:
            "genuine windows per modality, each of policy.maxAttempts attempts (10,000 read the baseline's false non-match per window of 1e-2 to ±8 % and of ~2e-4, at the operating point, to ±18 %, 95 %: the study averages each window's chance of failing rather than counting failures)",
        }),
        impostorWindows: Type.Integer({
          minimum: 1000,
          maximum: 100_000_000,
          default: 2_000,
          description:
            "impostor windows of random strangers per modality (2,000 read the baseline's false-match rate per window of 1e-6 to ±7 %, 95 %: the study averages each window's chance of a match, over the stranger's ρ, rather than counting matches; each costs ~16 genuine windows)",
        }),
        lookAlikeWindows: Type.Integer({
          minimum: 1000,
          maximum: 100_000_000,
          default: 1_000,
          description: "impostor windows of look-alikes per modality (1,000 read the baseline's look-alike false-match rate per window of 1e-6 to ±14 %, 95 %)",
        }),
        nightAttemptShare: probability('share of selfie attempts made 19:00–07:00 local, when poor light is likelier (ASSUMPTION)', 0.1),
        groups: Type.Array(
          Type.Object(
            {
              name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', description: 'a synthetic label (kebab-case); nothing models a real person' }),
              share: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'share of participants in the group (relative weights, normalised; > 0)' }),
              genuineNoiseFactor: Type.Number({
                minimum: 1,
                maximum: 1.5,
                default: 1,
                description: "multiplier on the noise σ of the group's samples (about 1–1.1 spans false non-match ×1–3 per attempt at 0.325 in the default mix, CALIBRATION: NIST-8280)",
              }),
              impostorCorrelation: Type.Number({
                minimum: 0,
                maximum: 0.5,
                default: 0,
                description: "template correlation of a random impostor of the group's accounts (about 0–0.26 spans false match ×1–100 per attempt at 0.325 in the default mix, CALIBRATION: NIST-8280)",
              }),
            },
            { additionalProperties: false },
          ),
          { default: [], description: 'synthetic demographic groups with score differentials, for the study alone (empty: no groups)' },
        ),
      },
    ),

    backend: section('the in-process server of sim mode', {
      errorRate: probability('server error per attempt outside outages (ASSUMPTION)', 0.001),
    }),

    slo: section("the check-in backend's service-level objective under load: the thresholds of a k6 run exported by `checkin-sim export-k6`; it changes no simulated result", {
      latencyP99Ms: positive('p99 latency of check-in requests, from their scheduled send instant, in ms (ASSUMPTION: the capacity example in docs/drive-mode.md)', 250),
      errorRate: probability('largest share of check-in requests that may fail (ASSUMPTION: the capacity example in docs/drive-mode.md)', 0.01),
    }),

    shocks: section('correlated glitches, fixed here or drawn from the scenario stream before the run', {
      badReleases: Type.Array(BadRelease, { default: [], description: 'app releases that break one phone model for a span of days' }),
      carrierOutages: Type.Array(CarrierOutage, { default: [], description: 'carrier outages, optionally regional' }),
      backendOutages: Type.Array(BackendOutage, { default: [], description: 'windows in which the backend answers every request with an error' }),
      random: section('shocks drawn at random (Poisson) over the period', {
        badReleasesPerMonth: nonNegative('bad releases per 30 days (ASSUMPTION)', 0),
        carrierOutagesPerMonth: nonNegative('carrier outages per 30 days (ASSUMPTION)', 0),
        backendOutagesPerMonth: nonNegative('backend outages per 30 days (ASSUMPTION)', 0),
      }),
    }),

    sweep: section('the grid `checkin-sim sweep` runs for this scenario when no --grid is given; it does not change a single run', {
      grid: Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]*(\\.[a-zA-Z][a-zA-Z0-9]*)*$' }), Type.Array(GridValue, { minItems: 1 }), {
        default: {},
        description:
          'dotted field path → the values it takes, e.g. `policy.faceThreshold: [0.3, 0.35]`; the sweep runs every combination (the cartesian product), first field outermost',
      }),
    }),
  },
  { additionalProperties: false },
);

/** A scenario as the loader hands it on: validated, every default filled in, frozen. */
export type Scenario = Static<typeof ScenarioSchema>;
