import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../helpers/run.ts';
import { loadScenario } from '../../../scenarios/index.ts';
import { buildPopulation } from '../../../sim/population/population.ts';
import { TIME_ZONES } from '../../../scenarios/catalog.ts';
import { rhythmFor } from '../../../sim/behaviour/daily-rhythm.ts';
import { hourInRange, localHour } from '../../../sim/virtual-time.ts';
import type { Scenario } from '../../../scenarios/schema.ts';

/** Windows (scheduled and ad-hoc) that open while their person sleeps or works. */
async function windowsOpenedAsleepOrAtWork(scenario: Scenario) {
  const population = buildPopulation(scenario, 0, scenario.participants);
  const counts = { windows: 0, asleep: 0, atWork: 0, adHoc: 0 };
  for (const event of await eventsOf(scenario)) {
    if (event.type !== 'window_open') continue;
    const rhythm = rhythmFor(scenario, TIME_ZONES[population.timeZone[event.p]!]!.utcOffsetHours, population.workShift[event.p]!);
    const hour = localHour(event.t, rhythm.utcOffsetHours);
    counts.windows++;
    if (event.kind === 'adhoc') counts.adHoc++;
    if (hourInRange(hour, rhythm.sleepFrom, rhythm.sleepTo)) counts.asleep++;
    if (hourInRange(hour, rhythm.workFrom, rhythm.workTo)) counts.atWork++;
  }
  return counts;
}

describe('check-in windows and prompts inside waking, non-working hours', () => {
  const overrides = { participants: 3_000, days: 28, seed: 41, 'schedule.adHocPromptsPerWeek': 3 };

  it('never opens a window or sends a prompt while the person sleeps or works, by default', async () => {
    const counts = await windowsOpenedAsleepOrAtWork(loadScenario({ file: 'scenarios/baseline.yaml', overrides }));
    expect(counts.windows).toBeGreaterThan(20_000);
    expect(counts.adHoc).toBeGreaterThan(5_000);
    expect(counts).toMatchObject({ asleep: 0, atWork: 0 });
  });

  it('does so when the scenario turns it off (respectWakingHours: false)', async () => {
    const counts = await windowsOpenedAsleepOrAtWork(loadScenario({ file: 'scenarios/baseline.yaml', overrides: { ...overrides, 'schedule.respectWakingHours': false } }));
    // Night-shift workers sleep 08:00–16:00, inside the default check-in hours 08:00–17:00.
    expect(counts.asleep).toBeGreaterThan(counts.windows * 0.05);
    expect(counts.atWork).toBeGreaterThan(counts.windows * 0.2);
  });
});
