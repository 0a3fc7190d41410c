import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { buildPopulation } from '../../../sim/population/population.ts';
import { DEVICE_TIERS } from '../../../scenarios/catalog.ts';
import { MODALITIES } from '../../../scenarios/vocabulary.ts';
import { syntheticPersonalRecord } from '../../../sim/population/profile-card.ts';
import { enrolledTemplate } from '../../../sim/population/template.ts';
import { wilsonInterval } from '../../helpers/intervals.ts';

const scenario = loadScenario({ overrides: { participants: 20_000 } });
const columns = ['timeZone', 'deviceTier', 'phoneModel', 'carrier', 'connectivity', 'workShift', 'language', 'modality', 'checkInHour', 'checkInDay', 'hardToMatch', 'enrolledAt', 'hearingAt', 'abscondAt'] as const;

describe('population', () => {
  it('gives a participant the same profile whatever range it is built in', () => {
    const whole = buildPopulation(scenario, 0, 2_000);
    const tail = buildPopulation(scenario, 1_500, 500);
    for (const column of columns) {
      expect(Array.from(tail[column]), column).toEqual(Array.from(whole[column].subarray(1_500)));
    }
  });

  it('draws categories with the scenario shares', () => {
    const population = buildPopulation(scenario, 0, scenario.participants);
    const tiers = scenario.population.deviceTier;
    const tierTotal = tiers.low + tiers.mid + tiers.high;
    DEVICE_TIERS.forEach((tier, index) => {
      const count = population.deviceTier.filter((value) => value === index).length;
      const { low, high } = wilsonInterval(count, population.size);
      expect(tiers[tier] / tierTotal).toBeGreaterThanOrEqual(low);
      expect(tiers[tier] / tierTotal).toBeLessThanOrEqual(high);
    });
    const modality = scenario.population.modality;
    const phones = population.modality.filter((value) => value === MODALITIES.indexOf('phone')).length;
    const { low, high } = wilsonInterval(phones, population.size);
    const expected = modality.phone / (modality.app + modality.phone);
    expect(expected).toBeGreaterThanOrEqual(low);
    expect(expected).toBeLessThanOrEqual(high);
  });

  it('gives every participant a scheduled hour in the allowed range', () => {
    const population = buildPopulation(scenario, 0, 5_000);
    const { earliest, latest } = scenario.schedule.checkInHourLocal;
    expect(Math.min(...population.checkInHour)).toBeGreaterThanOrEqual(earliest);
    expect(Math.max(...population.checkInHour)).toBeLessThanOrEqual(latest);
  });

  it('makes personal records on demand, seeded and clearly synthetic', () => {
    const population = buildPopulation(scenario, 100, 10);
    const record = syntheticPersonalRecord(scenario.seed, population, 3);
    expect(record).toEqual(syntheticPersonalRecord(scenario.seed, population, 3));
    expect(record.phoneNumber).toMatch(/^\(\d{3}\) 555-01\d{2}$/);
    expect(syntheticPersonalRecord(scenario.seed + 1, population, 3).name).not.toBe(record.name);
  });

  it('derives an enrolled template: a unit vector, the same for the same participant', () => {
    const template = enrolledTemplate(42, 7, 128);
    expect(template).toHaveLength(128);
    expect(Math.hypot(...template)).toBeCloseTo(1, 12);
    expect(enrolledTemplate(42, 7, 128)).toEqual(template);
    expect(enrolledTemplate(42, 8, 128)).not.toEqual(template);
  });
});
