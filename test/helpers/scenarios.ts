import { loadScenario, type Scenario } from '../../scenarios/index.ts';

/**
 * Overrides that switch off every source of failure except those a test turns back on, so that a
 * validity test compares one mechanism with its analytic value.
 */
const QUIET: Record<string, unknown> = {
  'population.modality': { app: 1, phone: 0 },
  'population.enrolledMonthsAgoMax': 0,
  'population.hearingDaysAhead': { min: 10_000, max: 10_000 },
  'schedule.adHocPromptsPerWeek': 0,
  'behaviour.promptMissed': 0,
  'behaviour.remembersWithoutPush': 1,
  'behaviour.abscondHazardPerDay': 0,
  'behaviour.impostorPerWindow': 0,
  'behaviour.sleepHoursLocal': { from: 0, to: 0 },
  // Answers and retries within minutes, so that no window closes on someone still answering.
  'behaviour.responseDelay': { medianMinutes: 1, sigma: 0.5 },
  'behaviour.retryDelay': { medianMinutes: 1, sigma: 0.5 },
  'behaviour.workDelayFactor': 1,
  'behaviour.eveningDelayFactor': 1,
  'glitches.pushLost': 0,
  'glitches.pushLate': 0,
  'glitches.noService': 0,
  'glitches.appCrash': 0,
  'glitches.captureFailure': 0,
  'glitches.gpsFixFailure': 0,
  'glitches.uploadTimeout': 0,
  'glitches.callDropped': 0,
  'glitches.tierFactor': { low: 1, mid: 1, high: 1 },
  'glitches.connectivityFactor': { good: 1, fair: 1, poor: 1 },
  'glitches.sameCauseOnRetry': { noService: 0, appCrash: 0, captureFailure: 0, gpsFixFailure: 0, uploadTimeout: 0, callDropped: 0, poorLight: 0 },
  'devices.batteryDead.hazardPerDay': 0,
  'devices.noCredit.hazardPerDay': 0,
  'devices.phoneLostOrBroken.hazardPerDay': 0,
  'devices.cameraBroken.hazardPerDay': 0,
  'devices.storageFull.hazardPerDay': 0,
  'biometrics.poorCapture': 0,
  'biometrics.poorCaptureAtNight': 0,
  'biometrics.tierNoiseFactor': { low: 1, mid: 1, high: 1 },
  'biometrics.hardToMatchShare': 0,
  'biometrics.ageingNoisePerYear': 0,
  'policy.livenessThreshold': 0,
  'policy.faceThreshold': -1,
  'policy.voiceThreshold': -1,
  'backend.errorRate': 0,
  'officers.callBackMinutesPerDay': 0,
};

export function quietScenario(overrides: Record<string, unknown> = {}): Scenario {
  return loadScenario({ overrides: { name: 'quiet', ...QUIET, ...overrides } });
}
