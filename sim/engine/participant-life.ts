import { participantStream, type RandomStream } from '../rng/index.ts';
import { DAY_MS, MINUTE_MS } from '../virtual-time.ts';
import { ENGLISH_LANGUAGE_INDEX, TIME_ZONES, DEVICE_TIERS, WORK_SHIFTS } from '../../scenarios/catalog.ts';
import { drawGenuineSample, drawImpostorRho, drawImpostorSample, type SampleDraw } from '../behaviour/biometrics.ts';
import { isNightHour, rhythmFor, type DailyRhythm } from '../behaviour/daily-rhythm.ts';
import { CAUSE_INDEX, MODALITIES, verificationCause } from '../../scenarios/vocabulary.ts';
import { attemptAfter, lateCause, responseDelayMinutes, retryAt } from '../behaviour/response-delay.ts';
import { adHocHoursFor, windowsFor, type CheckInWindow } from '../behaviour/schedule.ts';
import { DeviceSpells } from '../behaviour/device-spells.ts';
import { GlitchProfile, NO_CAUSE } from '../behaviour/glitches.ts';
import type { ShockCalendar } from '../behaviour/shocks.ts';
import type { Population } from '../population/population.ts';
import { INTENT, VERDICT } from '../metrics/shard-metrics.ts';
import type { LifeListeners } from './life-listener.ts';
import type { Caseloads } from './caseloads.ts';
import type { AttemptResponse, CheckInAttempt, SyncBackend } from '../backends/backend.ts';
import { windowVerdict } from '../../server-stub/policy/index.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** What one shard shares between the lives it simulates. */
export interface LifeContext {
  scenario: Scenario;
  population: Population;
  shocks: ShockCalendar;
  /** Each life's listener: the metrics, and the event log when one is written. */
  listeners: LifeListeners;
  /** The officers' side, which settles each window once the lives of its caseload have run. */
  caseloads: Caseloads;
  /** Told each participant's windows when its life starts (drive mode registers them with the server). */
  onSchedule?: (row: number, windows: readonly CheckInWindow[]) => void;
  /**
   * Sim mode's server, answering in place: with it the life yields nothing and runs to its end in one
   * step (suspending a generator at every attempt cost sim mode more than the server's answer did).
   */
  backend?: SyncBackend;
}

const YEAR_MS = 365 * DAY_MS;
const PHONE = MODALITIES.indexOf('phone');

/**
 * One participant's whole period, on the participant's own stream. It yields every attempt that
 * reaches the server and resumes with the server's answer, so the same life runs over HTTP (drive
 * mode, driven by a global clock) or against any other backend; sim mode's in-process backend, given
 * in the context, answers in place instead. Everything on the person's side — notifications, delays, device spells, client-side glitches
 * and their persistence — happens here; each window's verdict and cause are told to the life's
 * listener (which records them), and the window is handed to the caseloads for the officer's side.
 *
 * A window's cause (docs/design.md, "attribution"): a window rejected by verification carries the last
 * verification cause, whatever else happened on its other attempts; a missed window carries the cause
 * that kept the person from a judged attempt.
 */
export function* participantLife(context: LifeContext, row: number): Generator<CheckInAttempt, void, AttemptResponse> {
  // Long on purpose: one generator holds a life's state across its windows and attempts; split into
  // helpers, that state would live in closures or objects on the hottest path of a run.
  const { scenario, population, shocks, caseloads } = context;
  const { behaviour, policy, biometrics } = scenario;
  const { pushLateDelay, sameCauseOnRetry } = scenario.glitches;
  const id = population.idOf(row);
  const listener = context.listeners(row, id);
  const stream = participantStream(scenario.seed, 'life', id);
  const zone = TIME_ZONES[population.timeZone[row]!]!;
  const rhythm = rhythmsByZoneAndShift(scenario)[population.timeZone[row]!]![population.workShift[row]!]!;
  const abscondAt = population.abscondAt[row]!;
  const periodEnd = scenario.days * DAY_MS;
  const until = Math.min(periodEnd, population.hearingAt[row]!);
  const enrolledAt = population.enrolledAt[row]!;
  const joinedAt = Math.max(0, enrolledAt);
  const devices = new DeviceSpells(scenario.seed, id, scenario.devices, joinedAt, until);
  const glitches = new GlitchProfile(
    scenario.glitches,
    population.deviceTier[row]!,
    population.connectivity[row]!,
    population.phoneModel[row]!,
    population.carrier[row]!,
    population.timeZone[row]!,
    devices,
  );
  const byPhone = population.modality[row] === PHONE;
  const missedPrompt = behaviour.promptMissed * (population.language[row] === ENGLISH_LANGUAGE_INDEX ? 1 : behaviour.nonEnglishMissFactor);
  const noiseBase =
    (byPhone ? biometrics.voiceNoise : biometrics.faceNoise * biometrics.tierNoiseFactor[DEVICE_TIERS[population.deviceTier[row]!]!]) *
    (population.hardToMatch[row] === 1 ? biometrics.hardToMatchNoiseFactor : 1);

  const followed = abscondAt < until && until - abscondAt >= 2 * scenario.schedule.checkInEveryDays * DAY_MS;
  listener.started(Math.max(0, Math.ceil((until - joinedAt) / DAY_MS)), abscondAt < until, followed);
  const caseloadSlot = caseloads.beginParticipant(id, abscondAt, followed);
  let seq = 0;
  let abscondLogged = abscondAt >= until;

  const windows = windowsFor(
    stream,
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
  context.onSchedule?.(row, windows);

  for (let windowIndex = 0; windowIndex < windows.length; windowIndex++) {
    const window = windows[windowIndex]!;
    if (!abscondLogged && abscondAt <= window.opensAt) {
      listener.absconded(abscondAt, seq);
      seq++;
      abscondLogged = true;
    }
    const impostorDraw = stream.uniform();
    const lookAlikeDraw = stream.uniform();
    const intent = abscondAt <= window.opensAt ? INTENT.evaded : impostorDraw < behaviour.impostorPerWindow ? INTENT.impostor : INTENT.complied;
    listener.windowOpened(window.opensAt, seq, windowIndex, window.kind, intent);
    seq++;

    let cause = NO_CAUSE;
    let attempts = 0;
    let judged = 0;
    let matched = false;
    if (intent !== INTENT.evaded) {
      // Always the same draws, whatever happens, so that scenarios differing in one rate share the rest.
      const missDraw = stream.uniform();
      const notifyLostDraw = stream.uniform();
      const notifyLateDraw = stream.uniform();
      const rememberDraw = stream.uniform();
      const lateMinutes = stream.logNormal(pushLateDelay.medianMinutes, pushLateDelay.sigma);
      const delayMinutes = responseDelayMinutes(stream, behaviour);
      // One impostor answers every attempt of the window.
      const impostorRho =
        intent === INTENT.impostor ? drawImpostorRho(stream, biometrics.dimension, lookAlikeDraw < behaviour.lookAlikeImpostorShare, biometrics.lookAlikeCorrelation) : 0;

      // The prompt (a push for the app, a text for the phone) reaches a phone that has service and can be used.
      let reachAt = window.opensAt;
      let reachCause = NO_CAUSE;
      for (;;) {
        const networkBack = glitches.networkBackAt(shocks, reachAt);
        const phoneBack = networkBack >= 0 ? -1 : devices.phoneBackAt(reachAt);
        if (networkBack < 0 && phoneBack < 0) break;
        reachCause = networkBack >= 0 ? CAUSE_INDEX.carrier_outage : devices.causeAt(reachAt, false);
        reachAt = networkBack >= 0 ? networkBack : phoneBack;
      }
      const lost = notifyLostDraw < glitches.pushLost;
      const remembered = window.kind === 'scheduled' && rememberDraw < behaviour.remembersWithoutPush;
      let seenAt = reachAt;
      let delayCause = reachCause;
      if (!lost && notifyLateDraw < glitches.pushLate) {
        seenAt += Math.round(lateMinutes * MINUTE_MS);
        delayCause = CAUSE_INDEX.notification_late;
      }
      if (reachAt > window.closesAt) {
        cause = reachCause;
      } else if (lost && !remembered) {
        cause = CAUSE_INDEX.notification_not_delivered;
      } else if (missDraw < missedPrompt) {
        cause = CAUSE_INDEX.prompt_missed;
      } else {
        if (lost) seenAt = reachAt;
        let at = attemptAfter(rhythm, seenAt, delayMinutes, behaviour);
        if (at > window.closesAt) cause = lateCause(rhythm, window, seenAt, delayCause, delayMinutes, behaviour);
        let previousCause = NO_CAUSE;
        let previousPoor = false;
        let verification = NO_CAUSE;
        while (at <= window.closesAt) {
          const attemptIndex = attempts++;
          // Every attempt after the first follows a failed one: only those draw whether its cause comes back.
          const repeatDraw = attemptIndex === 0 ? 1 : stream.uniform();
          const stageCause = byPhone
            ? glitches.callAttemptFailure(stream, shocks, at, previousCause, repeatDraw)
            : glitches.appAttemptFailure(stream, shocks, at, previousCause, repeatDraw);
          const poorDraw = stream.uniform();
          const livenessScore = stream.uniform();
          let attemptCause = stageCause;
          if (stageCause === NO_CAUSE) {
            const poorShare = isNightHour(rhythm, at) ? biometrics.poorCaptureAtNight : biometrics.poorCapture;
            const poor: boolean = !byPhone && ((previousPoor && repeatDraw < sameCauseOnRetry.poorLight) || poorDraw < poorShare);
            const attempt: CheckInAttempt = {
              participantId: id,
              windowIndex,
              windowKind: window.kind,
              windowOpensAt: window.opensAt,
              windowClosesAt: window.closesAt,
              attemptIndex,
              at,
              modality: byPhone ? 'voice' : 'face',
              sample: drawSample(stream, biometrics, noiseBase * (poor ? biometrics.poorCaptureNoiseFactor : 1), at - enrolledAt, intent === INTENT.impostor, impostorRho),
              livenessScore,
            };
            const response: AttemptResponse = context.backend ? context.backend.submit(attempt) : yield attempt;
            attemptCause = responseCause(response, byPhone);
            if (response.outcome === 'judged') {
              listener.judged(intent === INTENT.impostor, byPhone, response.similarity);
              judged++;
              matched = response.judgement === 'match';
              if (!matched) verification = attemptCause;
            }
            previousPoor = response.outcome === 'judged' && !matched && poor;
          } else {
            previousPoor = false;
          }
          previousCause = attemptCause;
          cause = judged > 0 ? verification : attemptCause;
          listener.attempted(at, seq, windowIndex, attemptIndex, matched, attemptCause);
          seq++;
          if (matched || attempts >= policy.maxAttempts) break;
          at = retryAt(stream, at, behaviour);
        }
      }
    }

    const verdictName = windowVerdict(judged, matched);
    const verdict = VERDICT[verdictName];
    const day = Math.min(scenario.days - 1, Math.floor(window.opensAt / DAY_MS));
    listener.windowClosed(day, intent, verdict, cause, window.closesAt, seq, windowIndex, attempts);
    seq++;
    caseloads.window(caseloadSlot, windowIndex, window.closesAt, intent, verdict, cause);
  }

  if (!abscondLogged) {
    listener.absconded(abscondAt, seq);
    seq++;
  }
  listener.ended(stream.draws, seq);
  caseloads.endParticipant(caseloadSlot, seq);
}

/** A sample from the person (or the window's impostor), its noise grown with the time since enrolment. */
function drawSample(stream: RandomStream, biometrics: Scenario['biometrics'], noise: number, sinceEnrolmentMs: number, impostor: boolean, impostorRho: number): SampleDraw {
  const sigma = noise * (1 + biometrics.ageingNoisePerYear * (sinceEnrolmentMs / YEAR_MS));
  return impostor ? drawImpostorSample(stream, sigma, biometrics.dimension, impostorRho) : drawGenuineSample(stream, sigma, biometrics.dimension);
}

function responseCause(response: AttemptResponse, byPhone: boolean): number {
  switch (response.outcome) {
    case 'server_error':
      return CAUSE_INDEX.server_error;
    case 'too_late':
      return CAUSE_INDEX.server_latency;
    case 'judged':
      if (response.judgement === 'match') return NO_CAUSE;
      return CAUSE_INDEX[verificationCause(response.judgement, byPhone ? 'voice' : 'face')];
  }
}

const rhythmsCache = new WeakMap<Scenario, DailyRhythm[][]>();

/** The daily rhythm of each time zone and work shift (shared by everyone in both, and read only). */
function rhythmsByZoneAndShift(scenario: Scenario): DailyRhythm[][] {
  let byZone = rhythmsCache.get(scenario);
  if (!byZone) {
    byZone = TIME_ZONES.map((zone) => WORK_SHIFTS.map((_shift, shift) => rhythmFor(scenario, zone.utcOffsetHours, shift)));
    rhythmsCache.set(scenario, byZone);
  }
  return byZone;
}

const adHocHoursCache = new WeakMap<Scenario, number[][]>();

/** Each work shift's ad-hoc prompt hours (the same for everyone on that shift). */
function adHocHoursByShift(scenario: Scenario): number[][] {
  let byShift = adHocHoursCache.get(scenario);
  if (!byShift) {
    byShift = WORK_SHIFTS.map((_shift, shift) => adHocHoursFor(scenario, rhythmFor(scenario, 0, shift)));
    adHocHoursCache.set(scenario, byShift);
  }
  return byShift;
}
