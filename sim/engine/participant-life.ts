import type { NumberedStreams, RandomStream } from '../rng/index.ts';
import { DAY_MS, MINUTE_MS } from '../virtual-time.ts';
import { ENGLISH_LANGUAGE_INDEX, TIME_ZONES, DEVICE_TIERS, WORK_SHIFTS } from '../../scenarios/catalog.ts';
import { drawGenuineSample, drawImpostorRho, drawImpostorSample, drawSampleSimilarity, type SampleDraw } from '../behaviour/biometrics.ts';
import { isNightHour, rhythmFor, type DailyRhythm } from '../behaviour/daily-rhythm.ts';
import { CAUSE_INDEX, MODALITIES, verificationCause } from '../../scenarios/vocabulary.ts';
import { attemptAfter, lateCause, responseDelayMinutes, retryAt } from '../behaviour/response-delay.ts';
import { adHocHoursFor, windowsFor, type CheckInWindow } from '../behaviour/schedule.ts';
import { DeviceSpells } from '../behaviour/device-spells.ts';
import { GlitchProfile, NO_CAUSE } from '../behaviour/glitches.ts';
import type { ShockCalendar } from '../behaviour/shocks.ts';
import type { Population } from '../population/population.ts';
import { INTENT, verdictIndex } from '../metrics/shard-metrics.ts';
import type { LifeListener, LifeListeners } from './life-listener.ts';
import type { Caseloads } from './caseloads.ts';
import type { AttemptResponse, CheckInAttempt } from '../backends/backend.ts';
import type { InProcessBackend } from '../backends/in-process.ts';
import type { Judgement } from '../../scenarios/vocabulary.ts';
import { windowVerdict } from '../../server-stub/policy/index.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { memoizeLast } from '../last-argument-memo.ts';

/** What one shard shares between the lives it simulates. */
export interface LifeContext {
  scenario: Scenario;
  population: Population;
  shocks: ShockCalendar;
  /** The lives' own streams (participantStreams(seed, 'life')), held rather than looked up for each life. */
  lifeStreams: NumberedStreams;
  /** Each life's listener: the metrics, and the event log when one is written. */
  listeners: LifeListeners;
  /** The officers' side, which settles each window once the lives of its caseload have run. */
  caseloads: Caseloads;
  /** Told each participant's windows when its life starts (drive mode registers them with the server). */
  onSchedule?: (row: number, windows: readonly CheckInWindow[]) => void;
}

const YEAR_MS = 365 * DAY_MS;
/**
 * Indexes read on paths few lives take, as constants: read as properties (`CAUSE_INDEX.prompt_missed`,
 * `INTENT.impostor`) they had no type feedback until the first life took the path, which threw the
 * optimized code of openWindow away mid-shard (--trace-deopt).
 */
const { carrier_outage: CARRIER_OUTAGE, notification_late: NOTIFICATION_LATE, notification_not_delivered: NOTIFICATION_NOT_DELIVERED, prompt_missed: PROMPT_MISSED } = CAUSE_INDEX;
const { server_error: SERVER_ERROR, server_latency: SERVER_LATENCY } = CAUSE_INDEX;
const { complied: COMPLIED, evaded: EVADED, impostor: IMPOSTOR } = INTENT;
const PHONE = MODALITIES.indexOf('phone');

/**
 * One participant's life run to its end against sim mode's in-process server: the same steps as
 * participantLife without suspending at each attempt, and without an attempt object (see judgedInProcess).
 * `onAttempt` sees the instant of every attempt that reaches the server.
 */
export function runLife(context: LifeContext, row: number, server: InProcessBackend, onAttempt?: (at: number) => void): void {
  const life = new ParticipantLife(context, row);
  while (life.advance()) {
    onAttempt?.(life.attemptAt());
    life.judgedInProcess(server);
  }
}

/**
 * One participant's life as a generator: it yields every attempt that reaches the server and resumes
 * with the server's answer, so the same life runs over HTTP (drive mode, driven by a global clock) or
 * against any other backend. Nothing runs before the first `next()`.
 */
export function* participantLife(context: LifeContext, row: number): Generator<CheckInAttempt, void, AttemptResponse> {
  const life = new ParticipantLife(context, row);
  for (let attempt = life.next(); attempt !== null; attempt = life.next()) {
    life.paused();
    life.answer(yield attempt);
  }
}

/**
 * One participant's whole period, on the participant's own stream, as a machine that stops at every
 * attempt that reaches the server: `next()` runs the life up to its next such attempt (or its end,
 * then null) and `answer()` takes the server's answer to it. A class rather than a generator: sim
 * mode runs every life without suspending, and as a generator the life cost a shard about a fifth more
 * instructions. Everything on the person's side — notifications, delays, device spells, client-side
 * glitches and their persistence — happens here; each window's verdict and cause are told to the
 * life's listener (which records them), and the window is handed to the caseloads for the officer's side.
 *
 * A window's cause (docs/design.md, "attribution"): a window rejected by verification carries the last
 * verification cause, whatever else happened on its other attempts; a missed window carries the cause
 * that kept the person from a judged attempt.
 */
class ParticipantLife {
  // Declared, not class fields: the constructor sets them all, and a class field would first be
  // defined as undefined, after which V8 keeps every number stored in it boxed.
  private declare readonly scenario: Scenario;
  private declare readonly shocks: ShockCalendar;
  private declare readonly caseloads: Caseloads;
  private declare readonly id: number;
  private declare readonly listener: LifeListener;
  private declare readonly stream: RandomStream;
  private declare readonly rhythm: DailyRhythm;
  private declare readonly abscondAt: number;
  private declare readonly enrolledAt: number;
  private declare readonly devices: DeviceSpells;
  private declare readonly glitches: GlitchProfile;
  private declare readonly byPhone: boolean;
  private declare readonly missedPrompt: number;
  private declare readonly noiseBase: number;
  private declare readonly caseloadSlot: number;
  private declare readonly windows: readonly CheckInWindow[];
  private seq = 0;
  private declare abscondLogged: boolean;

  // The open window (index -1 before the first).
  private windowIndex = -1;
  private intent: number = INTENT.complied;
  private closesAt = Number.NEGATIVE_INFINITY;
  /**
   * NaN rather than 0, so that the field holds doubles from the start: starting as a small integer,
   * it turned to a double at the first impostor window (with seed 42, mid-shard), which gave every
   * life a new map and threw away the optimized code of runLife, next, attempt, answer and closeWindow.
   */
  private impostorRho = Number.NaN;
  private cause = NO_CAUSE;
  private attempts = 0;
  private judged = 0;
  private matched = false;
  private verification = NO_CAUSE;
  private previousCause = NO_CAUSE;
  private previousPoor = false;
  /** When the window's next attempt is made; after `closesAt` when it has none left. */
  private nextAttemptAt = Number.POSITIVE_INFINITY;
  /** The attempt awaiting its answer was captured in poor light. */
  private poor = false;
  /** The liveness score of the attempt awaiting its answer (NaN at first for the reason given at impostorRho). */
  private livenessScore = Number.NaN;

  constructor(context: LifeContext, row: number) {
    const { scenario, population } = context;
    const { behaviour, biometrics } = scenario;
    this.scenario = scenario;
    this.shocks = context.shocks;
    this.caseloads = context.caseloads;
    const id = population.idOf(row);
    this.id = id;
    this.listener = context.listeners(row, id);
    this.stream = context.lifeStreams.stream(id);
    const zone = TIME_ZONES[population.timeZone[row]!]!;
    this.rhythm = rhythmsByZoneAndShift(scenario)[population.timeZone[row]!]![population.workShift[row]!]!;
    const abscondAt = population.abscondAt[row]!;
    this.abscondAt = abscondAt;
    const periodEnd = scenario.days * DAY_MS;
    const until = Math.min(periodEnd, population.hearingAt[row]!);
    this.enrolledAt = population.enrolledAt[row]!;
    const joinedAt = Math.max(0, this.enrolledAt);
    this.devices = new DeviceSpells(scenario.seed, id, scenario.devices, joinedAt, until);
    this.glitches = new GlitchProfile(
      scenario.glitches,
      population.deviceTier[row]!,
      population.connectivity[row]!,
      population.phoneModel[row]!,
      population.carrier[row]!,
      population.timeZone[row]!,
      this.devices,
    );
    this.byPhone = population.modality[row] === PHONE;
    this.missedPrompt = behaviour.promptMissed * (population.language[row] === ENGLISH_LANGUAGE_INDEX ? 1 : behaviour.nonEnglishMissFactor);
    this.noiseBase =
      (this.byPhone ? biometrics.voiceNoise : faceNoiseByTier(biometrics)[population.deviceTier[row]!]!) *
      (population.hardToMatch[row] === 1 ? biometrics.hardToMatchNoiseFactor : 1);

    const followed = abscondAt < until && until - abscondAt >= 2 * scenario.schedule.checkInEveryDays * DAY_MS;
    this.listener.started(Math.max(0, Math.ceil((until - joinedAt) / DAY_MS)), abscondAt < until, followed);
    this.caseloadSlot = this.caseloads.beginParticipant(id, abscondAt, followed);
    this.abscondLogged = abscondAt >= until;

    this.windows = windowsFor(
      this.stream,
      {
        utcOffsetHours: zone.utcOffsetHours,
        checkInHour: population.checkInHour[row]!,
        checkInDay: population.checkInDay[row]!,
        until,
        from: joinedAt,
        adHocHours: adHocHoursByShift(scenario)[population.workShift[row]!]!,
      },
      scenario,
    );
    context.onSchedule?.(row, this.windows);
  }

  /** Runs the life up to its next attempt that reaches the server, and returns it (its sample drawn); null once the life is over. */
  next(): CheckInAttempt | null {
    if (!this.advance()) return null;
    const window = this.windows[this.windowIndex]!;
    return {
      participantId: this.id,
      windowIndex: this.windowIndex,
      windowKind: window.kind,
      windowOpensAt: window.opensAt,
      windowClosesAt: this.closesAt,
      attemptIndex: this.attempts - 1,
      at: this.nextAttemptAt,
      modality: this.byPhone ? 'voice' : 'face',
      sample: this.drawSample(),
      livenessScore: this.livenessScore,
    };
  }

  /**
   * Runs the life up to its next attempt that reaches the server, all of whose draws but the sample's
   * are made; false once the life is over.
   */
  advance(): boolean {
    for (;;) {
      while (this.nextAttemptAt <= this.closesAt) {
        if (this.attemptReachesServer()) return true;
      }
      if (this.windowIndex === this.windows.length) return false;
      if (this.windowIndex >= 0) this.closeWindow();
      this.windowIndex++;
      if (this.windowIndex === this.windows.length) {
        this.end();
        return false;
      }
      this.openWindow();
    }
  }

  /** When the attempt `advance()` stopped at is sent. */
  attemptAt(): number {
    return this.nextAttemptAt;
  }

  /**
   * The attempt `advance()` stopped at, its sample drawn, answered by sim mode's server in place: asked
   * in numbers, so that no attempt, sample or answer object is made for it.
   */
  judgedInProcess(server: InProcessBackend): void {
    const similarity = drawSampleSimilarity(this.stream, this.sampleSigma(), this.scenario.biometrics.dimension, this.intent === IMPOSTOR, this.impostorRho);
    const refusal = server.refusal(this.id, this.windowIndex, this.windows[this.windowIndex]!.opensAt, this.closesAt, this.attempts - 1, this.nextAttemptAt);
    if (refusal !== null) this.answer(refusal);
    else this.judgedAs(server.judgement(this.byPhone ? 'voice' : 'face', similarity, this.livenessScore), similarity);
  }

  /** The life waits for the answer to the attempt `next()` returned, while other lives run (drive mode): its listener records what it held back. */
  paused(): void {
    this.listener.paused();
  }

  /** The server's answer to the attempt `next()` returned. */
  answer(response: AttemptResponse): void {
    switch (response.outcome) {
      case 'judged':
        this.judgedAs(response.judgement, response.similarity);
        return;
      case 'server_error':
        this.refused(SERVER_ERROR);
        return;
      case 'too_late':
        this.refused(SERVER_LATENCY);
    }
  }

  /** The server judged the attempt's sample, of this similarity to the template. */
  private judgedAs(judgement: Judgement, similarity: number): void {
    this.listener.judged(this.intent === IMPOSTOR, this.byPhone, similarity);
    this.judged++;
    this.matched = judgement === 'match';
    const attemptCause = this.matched ? NO_CAUSE : VERIFICATION_CAUSE_INDEXES[(this.byPhone ? 2 : 0) + (judgement === 'not_live' ? 1 : 0)]!;
    if (!this.matched) this.verification = attemptCause;
    this.previousPoor = !this.matched && this.poor;
    this.attempted(attemptCause);
  }

  /** The server failed the attempt, by `cause`, without judging it. */
  private refused(cause: number): void {
    this.previousPoor = false;
    this.attempted(cause);
  }

  /** The window's draws, its intent, and when (if at all) its first attempt is made. */
  private openWindow(): void {
    const { scenario, stream, listener, abscondAt, glitches, devices, shocks } = this;
    const { behaviour, biometrics } = scenario;
    const window = this.windows[this.windowIndex]!;
    if (!this.abscondLogged && abscondAt <= window.opensAt) {
      listener.absconded(abscondAt, this.seq);
      this.seq++;
      this.abscondLogged = true;
    }
    const impostorDraw = stream.uniform();
    const lookAlikeDraw = stream.uniform();
    const intent = abscondAt <= window.opensAt ? EVADED : impostorDraw < behaviour.impostorPerWindow ? IMPOSTOR : COMPLIED;
    listener.windowOpened(window.opensAt, this.seq, this.windowIndex, window.kind, intent);
    this.seq++;
    this.intent = intent;
    this.closesAt = window.closesAt;
    this.cause = NO_CAUSE;
    this.attempts = 0;
    this.judged = 0;
    this.matched = false;
    this.verification = NO_CAUSE;
    this.previousCause = NO_CAUSE;
    this.previousPoor = false;
    this.nextAttemptAt = Number.POSITIVE_INFINITY;
    if (intent === EVADED) return;

    // Always the same draws, whatever happens, so that scenarios differing in one rate share the rest.
    const missDraw = stream.uniform();
    const notifyLostDraw = stream.uniform();
    const notifyLateDraw = stream.uniform();
    const rememberDraw = stream.uniform();
    const { pushLateDelay } = scenario.glitches;
    // The late push's delay is log-normal; its normal is drawn always, its exponential only when used.
    const lateNormal = stream.normal();
    const delayMinutes = responseDelayMinutes(stream, behaviour);
    // One impostor answers every attempt of the window (impostorRho is read for impostor windows only).
    if (intent === IMPOSTOR) this.impostorRho = drawImpostorRho(stream, biometrics.dimension, lookAlikeDraw < behaviour.lookAlikeImpostorShare, biometrics.lookAlikeCorrelation);

    // The prompt (a push for the app, a text for the phone) reaches a phone that has service and can be used.
    let reachAt = window.opensAt;
    let reachCause = NO_CAUSE;
    for (;;) {
      const networkBack = glitches.networkBackAt(shocks, reachAt);
      const phoneBack = networkBack >= 0 ? -1 : devices.phoneBackAt(reachAt);
      if (networkBack < 0 && phoneBack < 0) break;
      reachCause = networkBack >= 0 ? CARRIER_OUTAGE : devices.causeAt(reachAt, false);
      reachAt = networkBack >= 0 ? networkBack : phoneBack;
    }
    const lost = notifyLostDraw < glitches.rates.pushLost;
    const remembered = window.kind === 'scheduled' && rememberDraw < behaviour.remembersWithoutPush;
    let seenAt = reachAt;
    let delayCause = reachCause;
    if (!lost && notifyLateDraw < glitches.rates.pushLate) {
      seenAt += Math.round(pushLateDelay.medianMinutes * Math.exp(pushLateDelay.sigma * lateNormal) * MINUTE_MS);
      delayCause = NOTIFICATION_LATE;
    }
    if (reachAt > window.closesAt) {
      this.cause = reachCause;
    } else if (lost && !remembered) {
      this.cause = NOTIFICATION_NOT_DELIVERED;
    } else if (missDraw < this.missedPrompt) {
      this.cause = PROMPT_MISSED;
    } else {
      if (lost) seenAt = reachAt;
      const at = attemptAfter(this.rhythm, seenAt, delayMinutes, behaviour);
      if (at > window.closesAt) this.cause = lateCause(this.rhythm, window, seenAt, delayCause, delayMinutes, behaviour);
      this.nextAttemptAt = at;
    }
  }

  /**
   * The window's next attempt, at `nextAttemptAt`, up to its sample: true when it is sent to the server,
   * false when a client-side stage failed it (then it is recorded here).
   */
  private attemptReachesServer(): boolean {
    const { scenario, stream, byPhone } = this;
    const { biometrics } = scenario;
    const at = this.nextAttemptAt;
    const attemptIndex = this.attempts++;
    // Every attempt after the first follows a failed one: only those draw whether its cause comes back.
    const repeatDraw = attemptIndex === 0 ? 1 : stream.uniform();
    const stageCause = byPhone
      ? this.glitches.callAttemptFailure(stream, this.shocks, at, this.previousCause, repeatDraw)
      : this.glitches.appAttemptFailure(stream, this.shocks, at, this.previousCause, repeatDraw);
    const poorDraw = stream.uniform();
    const livenessScore = stream.uniform();
    if (stageCause !== NO_CAUSE) {
      this.previousPoor = false;
      this.attempted(stageCause);
      return false;
    }
    const poorShare = isNightHour(this.rhythm, at) ? biometrics.poorCaptureAtNight : biometrics.poorCapture;
    this.poor = !byPhone && ((this.previousPoor && repeatDraw < scenario.glitches.sameCauseOnRetry.poorLight) || poorDraw < poorShare);
    this.livenessScore = livenessScore;
    return true;
  }

  /** The sample of the attempt awaiting its answer, from the person or the window's impostor. */
  private drawSample(): SampleDraw {
    const { stream, scenario } = this;
    const { dimension } = scenario.biometrics;
    const sigma = this.sampleSigma();
    return this.intent === IMPOSTOR ? drawImpostorSample(stream, sigma, dimension, this.impostorRho) : drawGenuineSample(stream, sigma, dimension);
  }

  /** The noise of the attempt's sample: the person's, worse in poor light, grown with the time since enrolment. */
  private sampleSigma(): number {
    const { biometrics } = this.scenario;
    const noise = this.noiseBase * (this.poor ? biometrics.poorCaptureNoiseFactor : 1);
    return noise * (1 + biometrics.ageingNoisePerYear * ((this.nextAttemptAt - this.enrolledAt) / YEAR_MS));
  }

  /** The current attempt failed by `attemptCause` (or verified): told, and the next attempt, if any, timed. */
  private attempted(attemptCause: number): void {
    const at = this.nextAttemptAt;
    this.previousCause = attemptCause;
    this.cause = this.judged > 0 ? this.verification : attemptCause;
    this.listener.attempted(at, this.seq, this.windowIndex, this.attempts - 1, this.matched, attemptCause);
    this.seq++;
    this.nextAttemptAt =
      this.matched || this.attempts >= this.scenario.policy.maxAttempts ? Number.POSITIVE_INFINITY : retryAt(this.stream, at, this.scenario.behaviour);
  }

  private closeWindow(): void {
    const window = this.windows[this.windowIndex]!;
    const verdict = verdictIndex(windowVerdict(this.judged, this.matched));
    const day = Math.min(this.scenario.days - 1, Math.floor(window.opensAt / DAY_MS));
    this.listener.windowClosed(day, this.intent, verdict, this.cause, window.closesAt, this.seq, this.windowIndex, this.attempts);
    this.seq++;
    this.caseloads.window(this.caseloadSlot, this.windowIndex, window.closesAt, this.intent, verdict, this.cause);
  }

  private end(): void {
    if (!this.abscondLogged) {
      this.listener.absconded(this.abscondAt, this.seq);
      this.seq++;
    }
    this.listener.ended(this.stream.draws, this.seq);
    this.caseloads.endParticipant(this.caseloadSlot, this.seq);
  }
}

/**
 * verificationCause's index for face then voice, each below threshold then not live: looked up once,
 * where a lookup by the cause's name for every rejected attempt would be megamorphic.
 */
const VERIFICATION_CAUSE_INDEXES = (['face', 'voice'] as const).flatMap((modality) =>
  (['below_threshold', 'not_live'] as const).map((judgement) => CAUSE_INDEX[verificationCause(judgement, modality)]),
);

/** The daily rhythm of each time zone and work shift (shared by everyone in both, and read only). */
const rhythmsByZoneAndShift = memoizeLast((scenario: Scenario): DailyRhythm[][] =>
  TIME_ZONES.map((zone) => WORK_SHIFTS.map((_shift, shift) => rhythmFor(scenario, zone.utcOffsetHours, shift))),
);

/** The face noise of each device tier, by tier index (read by name once, not for every participant). */
const faceNoiseByTier = memoizeLast((biometrics: Scenario['biometrics']): number[] =>
  DEVICE_TIERS.map((tier) => biometrics.faceNoise * biometrics.tierNoiseFactor[tier]),
);

/** Each work shift's ad-hoc prompt hours (the same for everyone on that shift). */
const adHocHoursByShift = memoizeLast((scenario: Scenario): number[][] =>
  WORK_SHIFTS.map((_shift, shift) => adHocHoursFor(scenario, rhythmFor(scenario, 0, shift))),
);
