import { ServerError } from './errors.ts';

/**
 * The personal record an officer holds about a participant, as enrolment carries it. This server
 * only ever sees synthetic ones, and its schema (api-schemas.ts) refuses anything that could pass for
 * a real person's record: the case number must be `SYN-` and eight digits with a Luhn check digit,
 * the phone number must lie in 555-0100…555-0199, the block reserved for fiction. Stored apart from
 * the participant's template, shown only to the officer token, never logged, never in a metric label,
 * deleted at the end of retention (store.ts).
 */
export interface PersonalRecord {
  /** Full name. */
  name: string;
  /** YYYY-MM-DD. */
  dateOfBirth: string;
  /** BCP 47 language tag, e.g. `es`, `ht`, `quc`. */
  language: string;
  /** `(NXX) 555-01XX`. */
  phoneNumber: string;
  /** Street level, as an officer holds it for home visits: no coordinates. */
  homeAddress: { street: string; city: string; region: string; postalCode: string };
  /** The office the participant reports to. */
  office: string;
  /** `SYN-NNNNNNNN-C`, C the Luhn check digit of the eight digits. */
  caseNumber: string;
}

const CASE_NUMBER_PREFIX = 'SYN-';
export const CASE_NUMBER_PATTERN = '^SYN-[0-9]{8}-[0-9]$';
export const PHONE_NUMBER_PATTERN = '^\\([2-9][0-9]{2}\\) 555-01[0-9]{2}$';
export const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
/** Earliest date of birth accepted. */
const EARLIEST_BIRTH = '1900-01-01';

/** The Luhn check digit of a string of digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    // From the right, the first payload digit is doubled (the check digit will sit to its right).
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** `SYN-` + the eight digits of `serial` + `-` + their check digit. */
export function syntheticCaseNumber(serial: number): string {
  const digits = String(serial).padStart(8, '0');
  if (!/^[0-9]{8}$/.test(digits)) throw new RangeError(`case serial ${serial}: expected 0..99999999`);
  return `${CASE_NUMBER_PREFIX}${digits}-${luhnCheckDigit(digits)}`;
}

/** Whether `text` (already matching DATE_PATTERN) names a day of the Gregorian calendar. */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * What the schema cannot say: the case number's check digit, and a date of birth that is a real day
 * between 1900-01-01 and today (wall clock). Throws SRV_ERR_VALIDATION naming the field; the message
 * never repeats the value.
 */
export function checkPersonalRecord(record: PersonalRecord, field: string, today = new Date().toISOString().slice(0, 10)): void {
  const digits = record.caseNumber.slice(CASE_NUMBER_PREFIX.length, CASE_NUMBER_PREFIX.length + 8);
  if (Number(record.caseNumber.slice(-1)) !== luhnCheckDigit(digits)) {
    throw new ServerError('SRV_ERR_VALIDATION', 'expected a synthetic case number SYN-NNNNNNNN-C whose last digit C is the Luhn check digit of the eight before it', `${field}.caseNumber`);
  }
  if (!isCalendarDate(record.dateOfBirth) || record.dateOfBirth < EARLIEST_BIRTH || record.dateOfBirth > today) {
    throw new ServerError('SRV_ERR_VALIDATION', `expected a day of the calendar (YYYY-MM-DD) from ${EARLIEST_BIRTH} to today`, `${field}.dateOfBirth`);
  }
}
