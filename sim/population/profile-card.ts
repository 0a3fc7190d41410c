import { Faker, ar, base, en, en_US, es_MX, fr, pt_BR, ru, zh_CN, type LocaleDefinition, type Randomizer } from '@faker-js/faker';
import { syntheticCaseNumber, type PersonalRecord } from '../../server-stub/personal-record.ts';
import { keyedUniform, RandomStream } from '../rng/index.ts';
import { LANGUAGES, TIME_ZONES, type TimeZoneName } from '../../scenarios/catalog.ts';
import type { Population } from './population.ts';

/**
 * Display and personal data of one synthetic participant, made on demand (DESIGN.md: fields nobody
 * computes with are not generated for every participant of every run): sim mode never calls this;
 * drive mode calls it once per participant when it enrols the fleet, and `export-k6` when it writes the
 * enrolment files. Everything is a pure function of (seed, participant id): faker draws from a stream
 * keyed by both, so the same participant gets the same record in every run and every process.
 */

/** Ages are counted to this fixed day, not to today, so a record does not change with the date of the run. */
const REFERENCE_DAY = new Date(Date.UTC(2025, 0, 1));
const RECORD_KEY = 0x70657273;
const CASE_SERIAL_KEY = 0x63617365;
/** Coprime with 10^8: participant ids map to distinct eight-digit case serials. */
const CASE_SERIAL_STRIDE = 48_271;

/** BCP 47 tags of the catalog's languages, and the faker locale names are drawn from. */
const LANGUAGE_PROFILES: Record<(typeof LANGUAGES)[number]['name'], { tag: string; names: LocaleDefinition; familyFirst?: true }> = {
  spanish: { tag: 'es', names: es_MX },
  english: { tag: 'en', names: en_US },
  'haitian-creole': { tag: 'ht', names: fr },
  portuguese: { tag: 'pt', names: pt_BR },
  mandarin: { tag: 'zh', names: zh_CN, familyFirst: true },
  kiche: { tag: 'quc', names: es_MX },
  russian: { tag: 'ru', names: ru },
  french: { tag: 'fr', names: fr },
  mam: { tag: 'mam', names: es_MX },
  arabic: { tag: 'ar', names: ar },
  other: { tag: 'und', names: en_US },
};

/** Reporting offices by time zone: city, state, area code. A participant lives in the office's state. */
const OFFICES: Record<TimeZoneName, readonly (readonly [string, string, number])[]> = {
  eastern: [
    ['New York', 'NY', 212],
    ['Miami', 'FL', 305],
    ['Atlanta', 'GA', 404],
    ['Newark', 'NJ', 973],
    ['Boston', 'MA', 617],
    ['Philadelphia', 'PA', 215],
    ['Baltimore', 'MD', 410],
    ['Detroit', 'MI', 313],
  ],
  central: [
    ['Houston', 'TX', 713],
    ['Dallas', 'TX', 214],
    ['San Antonio', 'TX', 210],
    ['Chicago', 'IL', 312],
    ['New Orleans', 'LA', 504],
    ['St. Paul', 'MN', 651],
  ],
  mountain: [
    ['Denver', 'CO', 303],
    ['Phoenix', 'AZ', 602],
    ['Salt Lake City', 'UT', 801],
  ],
  pacific: [
    ['Los Angeles', 'CA', 213],
    ['San Francisco', 'CA', 415],
    ['San Diego', 'CA', 619],
    ['Seattle', 'WA', 206],
    ['Portland', 'OR', 503],
  ],
  alaska: [['Anchorage', 'AK', 907]],
  hawaii: [['Honolulu', 'HI', 808]],
};

/** Records made in this thread so far: a test holds sim mode to none. */
export const personalRecordsMade = { count: 0 };

/**
 * Every faker below draws from this one stream, re-keyed per participant: seeding faker's own
 * Mersenne Twister costs ~37 µs, a keyed Alea stream ~3 µs.
 */
let stream = new RandomStream('');
const randomizer: Randomizer = { next: () => stream.uniform(), seed: () => {} };
const addresses = new Faker({ locale: [en_US, en, base], randomizer });
const namers = new Map<LocaleDefinition, Faker>();
const namer = (locale: LocaleDefinition): Faker => {
  let faker = namers.get(locale);
  if (faker === undefined) namers.set(locale, (faker = new Faker({ locale: [locale, en, base], randomizer })));
  return faker;
};

/**
 * The personal record an officer would hold of participant `population.idOf(row)`: a name in the
 * participant's language, a date of birth (18 to 70 years old on 2025-01-01), an address in the state
 * of the office they report to, a phone number in the fictional 555-01XX block of that office's area
 * code, and a case number `SYN-NNNNNNNN-C` unique within the run. Valid for the reference server's
 * schema (server-stub/api-schemas.ts), whose case-number and phone patterns refuse anything real.
 */
export function syntheticPersonalRecord(seed: number, population: Population, row: number): PersonalRecord {
  const participantId = population.idOf(row);
  personalRecordsMade.count++;
  // Alea's first draw is nearly linear in the last character of its key: lead the key with a hash.
  stream = new RandomStream(`${keyedUniform(seed, participantId, RECORD_KEY, 0)}/${seed}/${participantId}`);
  const profile = LANGUAGE_PROFILES[LANGUAGES[population.language[row]!]!.name];
  const offices = OFFICES[TIME_ZONES[population.timeZone[row]!]!.name];
  const [officeCity, state, areaCode] = offices[Math.floor(stream.uniform() * offices.length)]!;
  const names = namer(profile.names);
  const sex = names.person.sexType();
  const given = names.person.firstName(sex);
  const family = names.person.lastName(sex);
  const line = Math.floor(stream.uniform() * 100);
  const caseOffset = Math.floor(keyedUniform(seed, 0, CASE_SERIAL_KEY, 0) * 1e8);
  return {
    name: profile.familyFirst ? `${family}${given}` : `${given} ${family}`,
    dateOfBirth: addresses.date.birthdate({ mode: 'age', min: 18, max: 70, refDate: REFERENCE_DAY }).toISOString().slice(0, 10),
    language: profile.tag,
    phoneNumber: `(${areaCode}) 555-01${String(line).padStart(2, '0')}`,
    homeAddress: {
      street: `${addresses.location.buildingNumber()} ${addresses.location.street()}`,
      city: addresses.location.city(),
      region: state,
      postalCode: addresses.location.zipCode({ state }),
    },
    office: `${officeCity} field office`,
    caseNumber: syntheticCaseNumber((participantId * CASE_SERIAL_STRIDE + caseOffset) % 1e8),
  };
}
