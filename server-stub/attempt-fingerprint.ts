import { hash } from 'node:crypto';
import { endianness } from 'node:os';
import type { SampleModality } from '../scenarios/vocabulary.ts';
import { jsonNumber, jsonString } from './json-text.ts';

/**
 * An attempt id is an idempotency key bound to its request, as payment APIs bind theirs: the server
 * keeps a fingerprint of what the first request carried, and the same id with another payload is
 * refused (409 SRV_ERR_IDEMPOTENCY_KEY_REUSED) instead of being answered with the first judgement.
 *
 * The fingerprint is SHA-256 of a canonical form of what the attempt means, so that two requests
 * that mean the same thing have the same fingerprint however they were written (key order,
 * whitespace, `1` or `1.0`, the sample as `sample` or as `sampleBase64`), and two that differ in
 * anything the server reads differ:
 *
 *   line 1: JSON of [version 1, windowId, modality, livenessScore, poorLight | null, device | null,
 *           [lat, lon, accuracyM] | null, [direction, durationSeconds] | null]
 *   then:   "\n" and the sample as little-endian IEEE-754 doubles (the bytes `sampleBase64` decodes to)
 *
 * JSON prints every double in its shortest round-trip form, so numbers compare by value (-0 as 0).
 * The location is the one sent, before coarsening; the participant (the path) and the attempt id
 * (the key) are not part of it. The hash covers the whole sample, so it cannot be turned back into
 * the sample or the location it was made from.
 */

export interface FingerprintedAttempt {
  windowId: string;
  modality: SampleModality;
  sample: ArrayLike<number>;
  livenessScore: number;
  poorLight?: boolean | undefined;
  device?: string | undefined;
  location?: { lat: number; lon: number; accuracyM?: number | undefined } | undefined;
  call?: { direction: 'inbound' | 'outbound'; durationSeconds: number } | undefined;
}

const FINGERPRINT_VERSION = 1;
const LITTLE_ENDIAN = endianness() === 'LE';

// The canonical form is written here and hashed in place: the fingerprint is one hash of one buffer, with no buffer made per attempt. Grown when a form does not fit.
let scratch = Buffer.allocUnsafe(4096);

/** The fingerprint in base64: a string is cheaper to make, keep and compare than a Buffer of its 32 bytes (SQLite stores the bytes). */
export function attemptFingerprint(attempt: FingerprintedAttempt): string {
  const head = canonicalHead(attempt);
  const sampleLength = attempt.sample.length * 8;
  // A UTF-16 unit takes at most 3 bytes in UTF-8: the bound checked before writing, so the write returns the exact length.
  const bound = head.length * 3 + sampleLength;
  if (bound > scratch.length) scratch = Buffer.allocUnsafe(2 * bound);
  const headLength = scratch.write(head);
  scratch.set(sampleBytes(attempt.sample), headLength);
  return hash('sha256', scratch.subarray(0, headLength + sampleLength), 'base64');
}

/** Line 1 of the canonical form and its newline: the text JSON.stringify prints for the fields, written piece by piece (json-text.ts). */
function canonicalHead(attempt: FingerprintedAttempt): string {
  const { location, call } = attempt;
  const place = location === undefined ? 'null' : `[${jsonNumber(location.lat)},${jsonNumber(location.lon)},${location.accuracyM === undefined ? 'null' : jsonNumber(location.accuracyM)}]`;
  const callText = call === undefined ? 'null' : `[${jsonString(call.direction)},${jsonNumber(call.durationSeconds)}]`;
  return (
    `[${FINGERPRINT_VERSION},${jsonString(attempt.windowId)},${jsonString(attempt.modality)},${jsonNumber(attempt.livenessScore)},${attempt.poorLight ?? 'null'},` +
    `${attempt.device === undefined ? 'null' : jsonString(attempt.device)},${place},${callText}]\n`
  );
}

/** The sample as little-endian doubles: a Float64Array's own bytes when the machine is little-endian (no copy). */
function sampleBytes(sample: ArrayLike<number>): Uint8Array {
  if (LITTLE_ENDIAN) {
    const doubles = sample instanceof Float64Array ? sample : Float64Array.from(sample);
    return new Uint8Array(doubles.buffer, doubles.byteOffset, doubles.byteLength);
  }
  const bytes = new DataView(new ArrayBuffer(sample.length * 8));
  for (let index = 0; index < sample.length; index++) bytes.setFloat64(index * 8, sample[index]!, true);
  return new Uint8Array(bytes.buffer);
}
