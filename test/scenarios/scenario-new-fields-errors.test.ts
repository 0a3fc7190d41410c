import { describe, expect, it } from 'vitest';
import { ScenarioError, loadScenario } from '../../scenarios/index.ts';
import { scenarioFailure, scenarioFolder } from '../helpers/scenario-files.ts';

/**
 * Bad values of the fields the glitch-mechanics schema added (schedule.respectWakingHours,
 * policy.officersMayExcuse, officers, glitches.sameCauseOnRetry, devices) and of the ones it renamed or
 * removed: each is refused with SCN_ERR_INVALID, the field's path, what was expected and where it is.
 */
const folder = scenarioFolder('new-fields');
const write = (text: string) => folder.write(text);
const failure = scenarioFailure;

describe('new scenario fields: bad values', () => {
  it.each([
    ['a negative hazard', 'devices:\n  batteryDead:\n    hazardPerDay: -0.1\n', 'devices.batteryDead.hazardPerDay', /^expected a number ≥ 0, got -0\.1$/, 3, 5],
    ['a hazard above 24 a day', 'devices:\n  storageFull:\n    hazardPerDay: 30\n', 'devices.storageFull.hazardPerDay', /^expected a number ≤ 24, got 30$/, 3, 5],
    ['a hazard that is not a number', 'devices:\n  batteryDead:\n    hazardPerDay: .nan\n', 'devices.batteryDead.hazardPerDay', /^expected a finite number, got NaN$/, 3, 5],
    ['persistence above 1', 'glitches:\n  sameCauseOnRetry:\n    uploadTimeout: 1.5\n', 'glitches.sameCauseOnRetry.uploadTimeout', /^expected a number ≤ 1 \(a probability\), got 1\.5$/, 3, 5],
    ['negative persistence', 'glitches:\n  sameCauseOnRetry:\n    poorLight: -0.5\n', 'glitches.sameCauseOnRetry.poorLight', /^expected a number ≥ 0 \(a probability\), got -0\.5$/, 3, 5],
    ['persistence given as one number', 'glitches:\n  sameCauseOnRetry: 0.5\n', 'glitches.sameCauseOnRetry', /^expected a mapping of fields, got number 0\.5$/, 2, 3],
    ['an unknown cause under sameCauseOnRetry', 'glitches:\n  sameCauseOnRetry:\n    noSignal: 0.5\n', 'glitches.sameCauseOnRetry.noSignal', /^unknown key 'noSignal'.*; expected one of: noService, appCrash, captureFailure, gpsFixFailure, uploadTimeout, callDropped, poorLight$/, 3, 5],
    ['caseload 0', 'officers:\n  caseload: 0\n', 'officers.caseload', /^expected a number ≥ 1, got 0$/, 2, 3],
    ['a non-integer caseload', 'officers:\n  caseload: 12.5\n', 'officers.caseload', /^expected integer, got number 12\.5$/, 2, 3],
    ['a negative call-back budget', 'officers:\n  callBackMinutesPerDay: -10\n', 'officers.callBackMinutesPerDay', /^expected a number ≥ 0, got -10$/, 2, 3],
    ['call-backs of 0 minutes', 'officers:\n  callBackMinutes: 0\n', 'officers.callBackMinutes', /^expected a number > 0, got 0$/, 2, 3],
    ['a call-back no-answer chance above 1', 'officers:\n  callBackNoAnswer: 1.2\n', 'officers.callBackNoAnswer', /^expected a number ≤ 1 \(a probability\), got 1\.2$/, 2, 3],
    ['excuses lapsing at once', 'officers:\n  excuseWithinDays: 0\n', 'officers.excuseWithinDays', /^expected a number > 0, got 0$/, 2, 3],
    ['a median duration of 0', 'devices:\n  noCredit:\n    durationHours:\n      medianHours: 0\n', 'devices.noCredit.durationHours.medianHours', /^expected a number > 0, got 0$/, 4, 7],
    ['a median duration over a year', 'devices:\n  noCredit:\n    durationHours:\n      medianHours: 10000\n', 'devices.noCredit.durationHours.medianHours', /^expected a number ≤ 8760, got 10000$/, 4, 7],
    ['a duration sigma of 5', 'devices:\n  noCredit:\n    durationHours:\n      sigma: 5\n', 'devices.noCredit.durationHours.sigma', /^expected a number ≤ 3, got 5$/, 4, 7],
    ['a negative duration sigma', 'devices:\n  cameraBroken:\n    durationHours: { sigma: -1 }\n', 'devices.cameraBroken.durationHours.sigma', /^expected a number ≥ 0, got -1$/, 3, 22],
    ['a device given as a rate alone', 'devices:\n  batteryDead: 0.02\n', 'devices.batteryDead', /^expected a mapping of fields, got number 0\.02$/, 2, 3],
    ['an unknown key under devices', 'devices:\n  tabletDead:\n    hazardPerDay: 0.1\n', 'devices.tabletDead', /^unknown key 'tabletDead'; expected one of: batteryDead, noCredit, phoneLostOrBroken, cameraBroken, storageFull$/, 2, 3],
    ['a misspelt device, with a suggestion', 'devices:\n  batteryDed:\n    hazardPerDay: 0.1\n', 'devices.batteryDed', /^unknown key 'batteryDed' \(did you mean 'batteryDead'\?\)/, 2, 3],
    ['an unknown key in a duration', 'devices:\n  noCredit:\n    durationHours:\n      meanHours: 48\n', 'devices.noCredit.durationHours.meanHours', /^unknown key 'meanHours'.*; expected one of: medianHours, sigma$/, 4, 7],
    ['respectWakingHours written as yes', 'schedule:\n  respectWakingHours: yes\n', 'schedule.respectWakingHours', /^expected boolean \(true or false\), got string "yes"$/, 2, 3],
    ['respectWakingHours written as 0', 'schedule:\n  respectWakingHours: 0\n', 'schedule.respectWakingHours', /^expected boolean \(true or false\), got number 0$/, 2, 3],
    ['officersMayExcuse written as text', 'policy:\n  officersMayExcuse: "false"\n', 'policy.officersMayExcuse', /^expected boolean \(true or false\), got string "false"$/, 2, 3],
    ['the removed glitches.callNoAnswer', 'glitches:\n  callNoAnswer: 0.05\n', 'glitches.callNoAnswer', /^unknown key 'callNoAnswer' \(removed; .*officers\.callBackNoAnswer\); expected one of: .*noService/, 2, 3],
    ['the renamed glitches.phoneUnavailable', 'glitches:\n  phoneUnavailable: 0.005\n', 'glitches.phoneUnavailable', /^unknown key 'phoneUnavailable' \(renamed 'noService'; .*devices\); expected one of: .*noService/, 2, 3],
  ])('refuses %s, naming the field, what was expected and where', (_case, text, path, message, line, column) => {
    const file = write(text);
    const error = failure(file);
    expect(error.code).toBe('SCN_ERR_INVALID');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ path, line, column });
    expect(error.issues[0]!.message).toMatch(message);
    expect(error.message).toContain(`${file}:${line}:${column} ${path}: `);
  });

  it('refuses the old names given as overrides (CLI flags) too', () => {
    let error: unknown;
    try {
      loadScenario({ overrides: { 'glitches.phoneUnavailable': 0, 'glitches.callNoAnswer': 0 } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).issues.map((issue) => issue.path).sort()).toEqual(['glitches.callNoAnswer', 'glitches.phoneUnavailable']);
  });

  it('reports every bad field of a file at once, each at its own line', () => {
    const text = [
      'name: many-bad-fields', //                       1
      'schedule:', //                                   2
      '  respectWakingHours: sometimes', //             3
      '  checkInHourLocal: { earliest: 18, latest: 9 }', // 4
      'policy:', //                                     5
      '  officersMayExcuse: 1', //                      6
      'officers:', //                                   7
      '  caseload: 0', //                               8
      '  callBackMinutes: 0', //                        9
      '  callBackNoAnswer: 2', //                       10
      'glitches:', //                                   11
      '  noService: 0.01', //                           12 (valid)
      '  callNoAnswer: 0.05', //                        13
      '  phoneUnavailable: 0.005', //                   14
      '  sameCauseOnRetry:', //                         15
      '    uploadTimeout: 1.5', //                      16
      '    appCrash: 0.2', //                           17 (valid)
      'devices:', //                                    18
      '  batteryDead:', //                              19
      '    hazardPerDay: -0.1', //                      20
      '  noCredit:', //                                 21
      '    durationHours: { medianHours: 0, sigma: 5 }', // 22
      '  tabletDead: {}', //                            23
      '',
    ].join('\n');
    const error = failure(write(text));
    expect(error.code).toBe('SCN_ERR_INVALID');
    const where = Object.fromEntries(error.issues.map((issue) => [issue.path, issue.line]));
    expect(where).toEqual({
      'schedule.respectWakingHours': 3,
      'schedule.checkInHourLocal.earliest': 4,
      'policy.officersMayExcuse': 6,
      'officers.caseload': 8,
      'officers.callBackMinutes': 9,
      'officers.callBackNoAnswer': 10,
      'glitches.callNoAnswer': 13,
      'glitches.phoneUnavailable': 14,
      'glitches.sameCauseOnRetry.uploadTimeout': 16,
      'devices.batteryDead.hazardPerDay': 20,
      'devices.noCredit.durationHours.medianHours': 22,
      'devices.noCredit.durationHours.sigma': 22,
      'devices.tabletDead': 23,
    });
    expect(error.issues).toHaveLength(13);
    for (const issue of error.issues) expect(error.message).toContain(`:${issue.line}:${issue.column} ${issue.path}: ${issue.message}`);
  });

  it('checks a rule across fields beside the schema issues, but not on a field the schema already refused', () => {
    const error = failure(write('population:\n  hearingDaysAhead: { min: 100, max: -5 }\nschedule:\n  checkInHourLocal: { earliest: 18, latest: 9 }\n'));
    expect(error.issues.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'population.hearingDaysAhead.max', message: 'expected a number ≥ 0, got -5' },
      { path: 'schedule.checkInHourLocal.earliest', message: 'expected ≤ latest (9), got 18' },
    ]);
  });

  it('accepts every new field at its bounds', () => {
    const scenario = loadScenario({
      file: write(
        [
          'schedule: { respectWakingHours: false }',
          'policy: { officersMayExcuse: false }',
          'officers: { caseload: 1, callBackMinutesPerDay: 0, callBackMinutes: 0.5, callBackNoAnswer: 1, excuseWithinDays: 0.5 }',
          'glitches:',
          '  noService: 0',
          '  sameCauseOnRetry: { noService: 0, appCrash: 1, captureFailure: 0, gpsFixFailure: 1, uploadTimeout: 0, callDropped: 1, poorLight: 0 }',
          'devices:',
          '  batteryDead: { hazardPerDay: 0, durationHours: { medianHours: 8760, sigma: 0 } }',
          '  noCredit: { hazardPerDay: 24, durationHours: { medianHours: 0.01, sigma: 3 } }',
          '',
        ].join('\n'),
      ),
    });
    expect(scenario.schedule.respectWakingHours).toBe(false);
    expect(scenario.officers.caseload).toBe(1);
    expect(scenario.devices.noCredit).toEqual({ hazardPerDay: 24, durationHours: { medianHours: 0.01, sigma: 3 } });
    // Fields not named keep their defaults.
    expect(scenario.devices.storageFull.durationHours.medianHours).toBeGreaterThan(0);
    expect(scenario.population.modality).toEqual({ app: 95, phone: 5 });
  });
});
