import { describe, expect, it } from 'vitest';
import { quietScenario } from '../../helpers/scenarios.ts';
import { eventsOf } from '../../helpers/run.ts';
import { DeviceSpells } from '../../../sim/behaviour/device-spells.ts';
import { DAY_MS, HOUR_MS } from '../../../sim/virtual-time.ts';

// A phone with lapsed credit (48 h spells, no spread) can neither receive the prompt nor check in. With
// every other glitch off, a window the spell covers from opening to close is missed with `no_credit`,
// a window the spell never touches is verified, and one it only partly covers is either — exactly.
describe("a device spell's effect on the windows it covers", () => {
  it('misses the windows a spell covers, with its device cause, and leaves the others alone', async () => {
    const scenario = quietScenario({
      participants: 3_000,
      days: 28,
      seed: 51,
      'devices.noCredit': { hazardPerDay: 0.05, durationHours: { medianHours: 48, sigma: 0 } },
    });
    const spellsOf = new Map<number, { spells: DeviceSpells; covering: (from: number, to: number) => 'all' | 'none' | 'part' }>();
    const spellFor = (participant: number) => {
      let entry = spellsOf.get(participant);
      if (!entry) {
        const spells = new DeviceSpells(scenario.seed, participant, scenario.devices, 0, scenario.days * DAY_MS);
        entry = {
          spells,
          covering: (from, to) => {
            let blocked = 0;
            let free = 0;
            for (let at = from; at <= to; at += 5 * 60_000) {
              if (spells.causeAt(at, false) >= 0) blocked++;
              else free++;
            }
            return free === 0 ? 'all' : blocked === 0 ? 'none' : 'part';
          },
        };
        spellsOf.set(participant, entry);
      }
      return entry;
    };
    const opened = new Map<string, number>();
    const seen = { all: 0, none: 0, part: 0 };
    for (const event of await eventsOf(scenario)) {
      const key = `${event.p}/${event.window}`;
      if (event.type === 'window_open') opened.set(key, event.t);
      if (event.type !== 'window_close') continue;
      const coverage = spellFor(event.p).covering(opened.get(key)!, event.t);
      seen[coverage]++;
      if (coverage === 'all') expect(event, key).toMatchObject({ verdict: 'missed', cause: 'no_credit' });
      if (coverage === 'none') expect(event.verdict, key).toBe('verified');
      if (coverage === 'part') expect(event.verdict === 'verified' || event.cause === 'no_credit', key).toBe(true);
    }
    // Spells start 0.05 a day and last 2 days: about 9 % of the time is covered.
    expect(seen.all).toBeGreaterThan(500);
    expect(seen.none).toBeGreaterThan(8_000);
  });

  it('draws spells at the hazard given, each lasting its duration', () => {
    const devices = quietScenario({ 'devices.batteryDead': { hazardPerDay: 0.2, durationHours: { medianHours: 6, sigma: 0 } } }).devices;
    const periodMs = 200 * DAY_MS;
    const stepMs = 10 * 60_000;
    let spells = 0;
    for (let participant = 0; participant < 100; participant++) {
      const spell = new DeviceSpells(7, participant, devices, 0, periodMs);
      for (let at = 0; at < periodMs; ) {
        const back = spell.phoneBackAt(at);
        if (back < 0) {
          at += stepMs;
          continue;
        }
        expect(back - at).toBeLessThanOrEqual(6 * HOUR_MS);
        spells++;
        at = back;
      }
    }
    // A spell starts at rate h over the time not already in one: h / (1 + h·D) spells a day (D = 1/4 day);
    // two spells less than one step apart are counted as one (a gap is exponential with mean 1/h).
    const perDay = 0.2 / (1 + 0.2 * 0.25);
    const expected = 100 * 200 * perDay * Math.exp(-0.2 * (stepMs / DAY_MS));
    expect(Math.abs(spells - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });
});
