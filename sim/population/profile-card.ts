import { MODALITIES } from '../../scenarios/vocabulary.ts';
import { Faker, base, en_US, es_MX } from '@faker-js/faker';
import { keyedUniform } from '../rng/index.ts';
import {
  CARRIERS,
  CONNECTIVITY_CLASSES,
  DEVICE_TIERS,
  LANGUAGES,
  PHONE_MODELS,
  TIME_ZONES,
  WORK_SHIFTS,
} from './catalog.ts';
import type { Population } from './population.ts';

/** What a person reading a report or an event sees of one synthetic participant. */
export interface SyntheticProfileCard {
  participantId: number;
  /** Always ends in "(synthetic)": no card can be mistaken for a real person. */
  displayName: string;
  /** In the 555-0100…555-0199 block, which is reserved for fiction. */
  phoneNumber: string;
  language: string;
  timeZone: string;
  phoneModel: string;
  deviceTier: string;
  carrier: string;
  connectivity: string;
  workShift: string;
  modality: string;
}

const faker = new Faker({ locale: [es_MX, en_US, base] });
const FAKER_SEED_KEY = 0x70726f66;

/**
 * Built on demand (DESIGN.md: display-only fields are not generated for every participant of every
 * run), from faker seeded by (seed, participant id) alone.
 */
export function syntheticProfileCard(seed: number, population: Population, row: number): SyntheticProfileCard {
  const participantId = population.firstId + row;
  faker.seed(Math.floor(keyedUniform(seed, participantId, FAKER_SEED_KEY, 0) * 0x7fffffff));
  const areaCode = faker.number.int({ min: 201, max: 989 });
  const line = faker.number.int({ min: 0, max: 99 }).toString().padStart(2, '0');
  return {
    participantId,
    displayName: `${faker.person.firstName()} ${faker.person.lastName()} (synthetic)`,
    phoneNumber: `(${areaCode}) 555-01${line}`,
    language: LANGUAGES[population.language[row]!]!.name,
    timeZone: TIME_ZONES[population.timeZone[row]!]!.name,
    phoneModel: PHONE_MODELS[population.phoneModel[row]!]!.name,
    deviceTier: DEVICE_TIERS[population.deviceTier[row]!]!,
    carrier: CARRIERS[population.carrier[row]!]!.name,
    connectivity: CONNECTIVITY_CLASSES[population.connectivity[row]!]!,
    workShift: WORK_SHIFTS[population.workShift[row]!]!,
    modality: MODALITIES[population.modality[row]!]!,
  };
}
