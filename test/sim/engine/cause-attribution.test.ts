import { describe, expect, it } from 'vitest';
import { quietScenario } from '../../helpers/scenarios.ts';
import { eventsOf, summarise } from '../../helpers/run.ts';
import { wilsonInterval } from '../../helpers/intervals.ts';
import { CAUSE_CLASSES, CAUSE_CLASS_OF, FAILURE_CAUSES } from '../../../scenarios/vocabulary.ts';
import { loadScenario } from '../../../scenarios/index.ts';

describe('the cause vocabulary', () => {
  it('gives every cause exactly one class, and every class at least one cause', () => {
    expect(new Set(FAILURE_CAUSES).size).toBe(FAILURE_CAUSES.length);
    for (const cause of FAILURE_CAUSES) expect(CAUSE_CLASSES).toContain(CAUSE_CLASS_OF[cause]);
    for (const causeClass of CAUSE_CLASSES) expect(FAILURE_CAUSES.filter((cause) => CAUSE_CLASS_OF[cause] === causeClass).length).toBeGreaterThan(0);
  });
});

describe('attribution of a failed window to one cause', () => {
  it('labels every rejected window with a verification cause when the threshold is 1 and every glitch is off', async () => {
    const summary = await summarise(quietScenario({ participants: 2_000, days: 28, seed: 31, 'policy.faceThreshold': 1 }));
    expect(summary.windows.complied).toBeGreaterThan(7_000);
    expect(summary.verdicts.rejected).toBe(summary.windows.complied);
    expect(summary.falseFailures.byCause.verification_false_reject).toBe(summary.verdicts.rejected);
    expect(summary.falseFailures.byClass.system.total).toBe(summary.falseFailures.total);
  });

  // With every sample rejected and each attempt's upload failing with p, a window is missed (upload
  // timeout) only when all n attempts fail, p^n; otherwise it is rejected, and keeps the verification
  // cause even when its last attempt failed on upload.
  it('keeps the verification cause on a window rejected, then glitched', async () => {
    const p = 0.5;
    const attempts = 3;
    const scenario = quietScenario({ participants: 4_000, days: 28, seed: 32, 'policy.faceThreshold': 1, 'glitches.uploadTimeout': p, 'policy.maxAttempts': attempts });
    const events = await eventsOf(scenario);
    const lastOutcome = new Map<string, string>();
    let rejectedAfterUploadFailure = 0;
    let rejected = 0;
    let missed = 0;
    for (const event of events) {
      const key = `${event.p}/${event.window}`;
      if (event.type === 'attempt') lastOutcome.set(key, event.outcome!);
      if (event.type !== 'window_close') continue;
      if (event.verdict === 'rejected') {
        rejected++;
        expect(event.cause).toBe('verification_false_reject');
        if (lastOutcome.get(key) === 'upload_timeout') rejectedAfterUploadFailure++;
      } else {
        missed++;
        expect(event).toMatchObject({ verdict: 'missed', cause: 'upload_timeout' });
      }
    }
    const { low, high } = wilsonInterval(missed, missed + rejected);
    expect(p ** attempts).toBeGreaterThanOrEqual(low);
    expect(p ** attempts).toBeLessThanOrEqual(high);
    // A rejected window's last attempt fails on upload in half the cases where a judged attempt came first.
    expect(rejectedAfterUploadFailure).toBeGreaterThan(rejected / 4);
  });

  it('sums the classes to the total, and each class to its causes', async () => {
    const summary = await summarise(loadScenario({ file: 'scenarios/baseline.yaml', overrides: { participants: 3_000, seed: 33 } }));
    const { byClass, byCause, total } = summary.falseFailures;
    expect(CAUSE_CLASSES.reduce((sum, causeClass) => sum + byClass[causeClass].total, 0)).toBe(total);
    for (const causeClass of CAUSE_CLASSES) {
      const ofClass = FAILURE_CAUSES.filter((cause) => CAUSE_CLASS_OF[cause] === causeClass).reduce((sum, cause) => sum + byCause[cause]!, 0);
      expect(byClass[causeClass].total).toBe(ofClass);
      expect(byClass[causeClass].rate).toBe(ofClass / summary.windows.complied);
    }
    for (const day of summary.daily) expect(CAUSE_CLASSES.reduce((sum, causeClass) => sum + day.byClass[causeClass], 0)).toBe(day.falseFailures);
    expect(total).toBeGreaterThan(0);
  });
});
