import type { CoarseLocation } from './store/store.ts';

/**
 * Rounds a location to multiples of `precisionDeg` (0.01° ≈ 1.1 km of latitude) before anything keeps
 * it; the accuracy the phone reported is not kept.
 */
export function coarsenLocation(lat: number, lon: number, precisionDeg: number): CoarseLocation {
  return { lat: roundTo(lat, precisionDeg, 90), lon: roundTo(lon, precisionDeg, 180) };
}

function roundTo(value: number, step: number, bound: number): number {
  const rounded = Math.min(bound, Math.max(-bound, Math.round(value / step) * step));
  // toFixed drops the binary noise of k × 0.01; `+ 0` turns -0 into 0.
  return Number(rounded.toFixed(10)) + 0;
}
