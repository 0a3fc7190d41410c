import { MODALITIES } from '../../scenarios/vocabulary.ts';
import {
  CONNECTIVITY_CLASSES,
  DEVICE_TIERS,
  LANGUAGE_NAMES,
  PHONE_MODEL_NAMES,
  TIME_ZONE_NAMES,
  WORK_SHIFTS,
} from '../../scenarios/catalog.ts';
import type { Population } from '../population/population.ts';

type CategoricalColumn = 'deviceTier' | 'connectivity' | 'timeZone' | 'modality' | 'phoneModel' | 'workShift' | 'language';

/**
 * The dimensions false failures are broken down by. A segment is `<dimension>:<label>`, e.g.
 * `tier:low`; segments are numbered in this order, dimension by dimension.
 */
export const SEGMENT_DIMENSIONS: readonly { name: string; labels: readonly string[]; column: CategoricalColumn }[] = [
  { name: 'tier', labels: DEVICE_TIERS, column: 'deviceTier' },
  { name: 'connectivity', labels: CONNECTIVITY_CLASSES, column: 'connectivity' },
  { name: 'timeZone', labels: TIME_ZONE_NAMES, column: 'timeZone' },
  { name: 'modality', labels: MODALITIES, column: 'modality' },
  { name: 'phoneModel', labels: PHONE_MODEL_NAMES, column: 'phoneModel' },
  { name: 'workShift', labels: WORK_SHIFTS, column: 'workShift' },
  { name: 'language', labels: LANGUAGE_NAMES, column: 'language' },
];

const DIMENSION_OFFSETS = SEGMENT_DIMENSIONS.reduce<number[]>(
  (offsets, _dimension, index) => [...offsets, index === 0 ? 0 : offsets[index - 1]! + SEGMENT_DIMENSIONS[index - 1]!.labels.length],
  [],
);

export const SEGMENT_NAMES: readonly string[] = SEGMENT_DIMENSIONS.flatMap((dimension) =>
  dimension.labels.map((label) => `${dimension.name}:${label}`),
);

/** A population's column of each dimension, in order: read by name once, not for every participant. */
export function segmentColumns(population: Population): readonly Uint8Array[] {
  return SEGMENT_DIMENSIONS.map((dimension) => population[dimension.column]);
}

/** Writes the segment numbers of one participant into `into` (one per dimension), from its population's segmentColumns. */
export function segmentsOf(columns: readonly Uint8Array[], row: number, into: number[]): void {
  for (let index = 0; index < columns.length; index++) into[index] = DIMENSION_OFFSETS[index]! + columns[index]![row]!;
}
