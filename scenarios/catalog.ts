/**
 * The categories a synthetic participant is drawn from, with their shares and the effects the
 * behaviour model gives them. Shares are ASSUMPTIONS unless a CALIBRATION row is named; scenarios
 * can override the tier, connectivity, modality and shift shares.
 */

export const DEVICE_TIERS = ['low', 'mid', 'high'] as const;
export type DeviceTier = (typeof DEVICE_TIERS)[number];

export const CONNECTIVITY_CLASSES = ['good', 'fair', 'poor'] as const;


export const WORK_SHIFTS = ['none', 'day', 'evening', 'night'] as const;
export type WorkShift = (typeof WORK_SHIFTS)[number];

/** Local working hours of each shift, [start, end) in hours; night shifts wrap past midnight. */
export const SHIFT_HOURS: Record<WorkShift, readonly [number, number] | null> = {
  none: null,
  day: [8, 17],
  evening: [15, 23],
  night: [23, 7],
};

/** The days of the week, as a scenario names them (Monday first). */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** US time zones at standard time (no daylight saving: a fixed offset keeps virtual time simple). */
export const TIME_ZONES = [
  { name: 'eastern', utcOffsetHours: -5, share: 0.45 },
  { name: 'central', utcOffsetHours: -6, share: 0.32 },
  { name: 'mountain', utcOffsetHours: -7, share: 0.06 },
  { name: 'pacific', utcOffsetHours: -8, share: 0.16 },
  { name: 'alaska', utcOffsetHours: -9, share: 0.005 },
  { name: 'hawaii', utcOffsetHours: -10, share: 0.005 },
] as const;
export type TimeZoneName = (typeof TIME_ZONES)[number]['name'];
export const TIME_ZONE_NAMES = TIME_ZONES.map((zone) => zone.name);

/** Phone models by tier; `share` is the model's share within its tier. */
export const PHONE_MODELS = [
  { name: 'moto-e13', tier: 'low', share: 0.3 },
  { name: 'galaxy-a03s', tier: 'low', share: 0.3 },
  { name: 'redmi-a2', tier: 'low', share: 0.2 },
  { name: 'tcl-30z', tier: 'low', share: 0.2 },
  { name: 'galaxy-a14', tier: 'mid', share: 0.35 },
  { name: 'moto-g-power', tier: 'mid', share: 0.25 },
  { name: 'pixel-6a', tier: 'mid', share: 0.15 },
  { name: 'iphone-se', tier: 'mid', share: 0.25 },
  { name: 'iphone-13', tier: 'high', share: 0.35 },
  { name: 'iphone-15', tier: 'high', share: 0.25 },
  { name: 'galaxy-s23', tier: 'high', share: 0.25 },
  { name: 'pixel-8', tier: 'high', share: 0.15 },
] as const satisfies readonly { name: string; tier: DeviceTier; share: number }[];
export const PHONE_MODEL_NAMES = PHONE_MODELS.map((model) => model.name);

/** Mobile carriers, prepaid-heavy as for a low-income fleet (ASSUMPTION). */
export const CARRIERS = [
  { name: 't-mobile', share: 0.22 },
  { name: 'metro', share: 0.14 },
  { name: 'cricket', share: 0.14 },
  { name: 'verizon', share: 0.14 },
  { name: 'att', share: 0.12 },
  { name: 'boost', share: 0.08 },
  { name: 'lifeline', share: 0.1 },
  { name: 'tracfone', share: 0.06 },
] as const;
export const CARRIER_NAMES = CARRIERS.map((carrier) => carrier.name);

/**
 * Preferred language (ASSUMPTION, from the nationalities most often reported on ATD). The app's
 * instructions are English-only (CALIBRATION: reported glitches), which the behaviour model turns
 * into more missed prompts for everyone else.
 */
export const LANGUAGES = [
  { name: 'spanish', share: 0.62 },
  { name: 'english', share: 0.08 },
  { name: 'haitian-creole', share: 0.06 },
  { name: 'portuguese', share: 0.05 },
  { name: 'mandarin', share: 0.04 },
  { name: 'kiche', share: 0.03 },
  { name: 'russian', share: 0.03 },
  { name: 'french', share: 0.03 },
  { name: 'mam', share: 0.02 },
  { name: 'arabic', share: 0.02 },
  { name: 'other', share: 0.02 },
] as const;
export const LANGUAGE_NAMES = LANGUAGES.map((language) => language.name);
export const ENGLISH_LANGUAGE_INDEX = LANGUAGE_NAMES.indexOf('english');

/** Running sums of shares, for RandomStream.pickCumulative. */
export function cumulativeShares(shares: readonly number[]): Float64Array {
  const cumulative = new Float64Array(shares.length);
  let total = 0;
  shares.forEach((share, index) => {
    total += share;
    cumulative[index] = total;
  });
  return cumulative;
}
