import { keyedUniform } from '../rng/index.ts';

/** A rough box (lat, lon ranges) inside each US time zone of the catalog, in catalog order. */
const ZONE_BOXES: readonly (readonly [number, number, number, number])[] = [
  [26, 44, -84, -71], // eastern
  [29, 46, -99, -87], // central
  [32, 46, -114, -104], // mountain
  [34, 47, -123, -116], // pacific
  [58, 64, -150, -140], // alaska
  [19, 22, -158, -155], // hawaii
];
const LOCATION_KEY = 0x6c6f63;
/** CALIBRATION: location error, GPS median 8 m. */
const GPS_ACCURACY_M = 8;

/**
 * Where a synthetic participant checks in from: a fixed random point in its time zone's box, keyed by
 * (seed, participant) alone so that it draws nothing from any stream and changes no result.
 */
export function syntheticLocation(seed: number, participantId: number, timeZone: number): { lat: number; lon: number; accuracyM: number } {
  const [latMin, latMax, lonMin, lonMax] = ZONE_BOXES[timeZone]!;
  return {
    lat: latMin + keyedUniform(seed, participantId, LOCATION_KEY, 0) * (latMax - latMin),
    lon: lonMin + keyedUniform(seed, participantId, LOCATION_KEY, 1) * (lonMax - lonMin),
    accuracyM: GPS_ACCURACY_M,
  };
}
