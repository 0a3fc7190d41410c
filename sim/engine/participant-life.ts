import { participantStream } from '../rng/index.ts';
import { DAY_MS, MINUTE_MS } from '../virtual-time.ts';
import { ENGLISH_LANGUAGE_INDEX, MODALITIES, TIME_ZONES, DEVICE_TIERS } from '../population/catalog.ts';
import { drawGenuineSample, drawImpostorSample, type SampleDraw } from '../behaviour/biometrics.ts';
import { isNightHour, rhythmFor } from '../behaviour/daily-rhythm.ts';
import { CAUSE_INDEX, FAILURE_CAUSES, INTENTS, VERDICTS } from '../../scenarios/vocabulary.ts';
import { firstAttemptAt, retryAt } from '../behaviour/response-delay.ts';
import { windowsFor, type CheckInWindow } from '../behaviour/schedule.ts';
import { GlitchProfile } from '../behaviour/glitches.ts';
import type { ShockCalendar } from '../behaviour/shocks.ts';
import type { Population } from '../population/population.ts';
import { INTENT, VERDICT, type ShardMetrics } from '../metrics/shard-metrics.ts';
import type { EventRecorder } from './event-log.ts';
import type { AttemptResponse, CheckInAttempt } from '../backends/backend.ts';
import { advanceStreak, streakAfterInPersonVisit, windowVerdict } from '../../server-stub/policy/index.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** What one shard shares between the lives it simulates. */
export interface LifeContext {
  scenario: Scenario;
  population: Population;
  shocks: ShockCalendar;
  metrics: ShardMetrics;
  events: EventRecorder | null;
  /** Told each participant's windows when its life starts (drive mode registers them with the server). */
  onSchedule?: (row: number, windows: readonly CheckInWindow[]) => void;
}

const YEAR_MS = 365 * DAY_MS;
const PHONE = MODALITIES.indexOf('phone');

/**
 * One participant's whole period, on the participant's own stream. It yields every attempt that
 * reaches the server and resumes with the server's answer, so the same life runs against the
 * in-process backend (sim mode, driven synchronously) or over HTTP (drive mode, driven by a global
 * clock). Everything else — notifications, delays, client-side glitches, fallback, the streak —
 * happens here, and every outcome is recorded in the shard's metrics (and event log, if any).
 */
export function* participantLife(context: LifeContext, row: number): Generator<CheckInAttempt, void, AttemptResponse> {
  const { scenario, population, shocks, metrics, events } = context;
  const { behaviour, policy, biometrics } = scenario;
  const { pushLateDelay } = scenario.glitches;
  const id = population.firstId + row;
  const stream = participantStream(scenario.seed, 'life', id);
  const zone = TIME_ZONES[population.timeZone[row]!]!;
  const rhythm = rhythmFor(scenario, zone.utcOffsetHours, population.workShift[row]!);
  const glitches = new GlitchProfile(
    scenario.glitches,
    population.deviceTier[row]!,
    population.connectivity[row]!,
    population.phoneModel[row]!,
    population.carrier[row]!,
    population.timeZone[row]!,
  );
  const byPhone = population.modality[row] === PHONE;
  const abscondAt = population.abscondAt[row]!;
  const periodEnd = scenario.days * DAY_MS;
  const until = Math.min(periodEnd, population.hearingAt[row]!);
  const missedPrompt = behaviour.promptMissed * (population.language[row] === ENGLISH_LANGUAGE_INDEX ? 1 : behaviour.nonEnglishMissFactor);
  const noiseBase =
    (byPhone ? biometrics.voiceNoise : biometrics.faceNoise * biometrics.tierNoiseFactor[DEVICE_TIERS[population.deviceTier[row]!]!]) *
    (population.hardToMatch[row] === 1 ? biometrics.hardToMatchNoiseFactor : 1);

  const joinedAt = Math.max(0, population.enrolledAt[row]!);
  const tally = metrics.beginParticipant(population, row, Math.max(0, Math.ceil((until - joinedAt) / DAY_MS)));
  let seq = 0;
  let abscondLogged = abscondAt >= until;
  const followedAfterAbsconding = abscondAt < until && until - abscondAt >= 2 * scenario.schedule.checkInEveryDays * DAY_MS;
  if (abscondAt < until) metrics.absconded(followedAfterAbsconding);
  let failedStreak = 0;
  let detected = false;

  const windows = windowsFor(
    stream,
    { utcOffsetHours: zone.utcOffsetHours, checkInHour: population.checkInHour[row]!, checkInDay: population.checkInDay[row]!, until, from: joinedAt },
    scenario,
  );
  context.onSchedule?.(row, windows);

  for (let windowIndex = 0; windowIndex < windows.length; windowIndex++) {
    const window = windows[windowIndex]!;
    if (!abscondLogged && abscondAt <= window.opensAt) {
      events?.add(abscondAt, id, seq, 'abscond', '');
      seq++;
      abscondLogged = true;
    }
    const impostorDraw = stream.uniform();
    const lookAlikeDraw = stream.uniform();
    const intent = abscondAt <= window.opensAt ? INTENT.evaded : impostorDraw < behaviour.impostorPerWindow ? INTENT.impostor : INTENT.complied;
    events?.add(window.opensAt, id, seq, 'window_open', `,"window":${windowIndex},"kind":"${window.kind}","intent":"${INTENTS[intent]}"`);
    seq++;

    let cause = -1;
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
      let at = firstAttemptAt(stream, rhythm, window.opensAt, behaviour);
      // The prompt reaches the person: a push for the app, an automated reminder call for the phone.
      const networkBack = glitches.networkBackAt(shocks, window.opensAt);
      const lost = notifyLostDraw < (byPhone ? glitches.callNoAnswer : glitches.pushLost);
      let seenDelay = networkBack >= 0 ? networkBack - window.opensAt : 0;
      if (!lost && !byPhone && notifyLateDraw < glitches.pushLate) seenDelay += Math.round(lateMinutes * MINUTE_MS);
      if (missDraw < missedPrompt) {
        cause = CAUSE_INDEX.prompt_missed;
      } else if (lost && !(window.kind === 'scheduled' && rememberDraw < behaviour.remembersWithoutPush)) {
        cause = CAUSE_INDEX.notification_not_delivered;
      } else {
        if (seenDelay > 0) at = firstAttemptAt(stream, rhythm, window.opensAt + seenDelay, behaviour);
        while (at <= window.closesAt) {
          const attemptIndex = attempts++;
          const stageCause = byPhone ? glitches.callAttemptFailure(stream, shocks, at) : glitches.appAttemptFailure(stream, shocks, at);
          const poorDraw = stream.uniform();
          const livenessScore = stream.uniform();
          if (stageCause >= 0) {
            cause = stageCause;
          } else {
            const response = yield {
              participantId: id,
              windowIndex,
              windowKind: window.kind,
              windowOpensAt: window.opensAt,
              windowClosesAt: window.closesAt,
              attemptIndex,
              at,
              modality: byPhone ? 'voice' : 'face',
              sample: drawSample(intent === INTENT.impostor, lookAlikeDraw, poorDraw, at),
              livenessScore,
            };
            cause = responseCause(response, byPhone);
            if (response.outcome === 'judged') {
              metrics.score(intent === INTENT.impostor, byPhone, response.similarity);
              judged++;
              matched = response.judgement === 'match';
            }
          }
          events?.add(at, id, seq, 'attempt', `,"window":${windowIndex},"attempt":${attemptIndex},"outcome":"${matched ? 'verified' : FAILURE_CAUSES[cause]}"`);
          seq++;
          if (matched || attempts >= policy.maxAttempts) break;
          at = retryAt(stream, at, behaviour);
        }
        if (attempts === 0) cause = CAUSE_INDEX.late_response;
      }
    }

    const verdictName = windowVerdict(judged, matched);
    const verdict = VERDICT[verdictName];
    const day = Math.min(scenario.days - 1, Math.floor(window.opensAt / DAY_MS));
    metrics.window(tally, day, intent, verdict, cause);
    const causeField = verdict === VERDICT.verified || cause < 0 ? '' : `,"cause":"${FAILURE_CAUSES[cause]}"`;
    events?.add(window.closesAt, id, seq, 'window_close', `,"window":${windowIndex},"verdict":"${VERDICTS[verdict]}","attempts":${attempts}${causeField}`);
    seq++;

    const step = advanceStreak(failedStreak, verdictName, policy);
    failedStreak = step.failedStreak;
    if (step.escalate) {
      const absconded = abscondAt <= window.closesAt;
      const delay = absconded && !detected && followedAfterAbsconding ? window.closesAt - abscondAt : -1;
      detected ||= absconded;
      metrics.escalation(day, absconded, delay);
      events?.add(window.closesAt, id, seq, 'escalation', `,"window":${windowIndex},"false":${!absconded}`);
      seq++;
    }

    const callDraw = stream.uniform();
    const visitDraw = stream.uniform();
    if (intent === INTENT.complied && verdict !== VERDICT.verified) {
      const officerCall = callDraw < behaviour.fallback.callOfficer;
      const inPersonVisit = visitDraw < behaviour.fallback.inPersonVisit;
      const minutes = (officerCall ? behaviour.fallback.callMinutes : 0) + (inPersonVisit ? behaviour.fallback.inPersonMinutes : 0);
      metrics.fallback(officerCall, inPersonVisit, minutes);
      if (inPersonVisit) failedStreak = streakAfterInPersonVisit(failedStreak, policy);
      if (officerCall || inPersonVisit) {
        events?.add(window.closesAt, id, seq, 'fallback', `,"window":${windowIndex},"officerCall":${officerCall},"inPersonVisit":${inPersonVisit}`);
        seq++;
      }
    }
  }

  if (!abscondLogged) {
    events?.add(abscondAt, id, seq, 'abscond', '');
    seq++;
  }
  metrics.endParticipant(tally, stream.draws, seq);

  function drawSample(impostor: boolean, lookAlikeDraw: number, poorDraw: number, at: number): SampleDraw {
    const poorShare = isNightHour(rhythm, at) ? biometrics.poorCaptureAtNight : biometrics.poorCapture;
    const poor = !byPhone && poorDraw < poorShare;
    const ageing = 1 + biometrics.ageingNoisePerYear * ((at - population.enrolledAt[row]!) / YEAR_MS);
    const sigma = noiseBase * (poor ? biometrics.poorCaptureNoiseFactor : 1) * ageing;
    return impostor
      ? drawImpostorSample(stream, sigma, biometrics.dimension, lookAlikeDraw < behaviour.lookAlikeImpostorShare, biometrics.lookAlikeCorrelation)
      : drawGenuineSample(stream, sigma, biometrics.dimension);
  }
}

function responseCause(response: AttemptResponse, byPhone: boolean): number {
  switch (response.outcome) {
    case 'server_error':
      return CAUSE_INDEX.server_error;
    case 'too_late':
      return CAUSE_INDEX.server_latency;
    case 'judged':
      if (response.judgement === 'match') return -1;
      if (response.judgement === 'not_live') return CAUSE_INDEX.liveness_false_reject;
      return byPhone ? CAUSE_INDEX.voice_not_recognised : CAUSE_INDEX.verification_false_reject;
  }
}

