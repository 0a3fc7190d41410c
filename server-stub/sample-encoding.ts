/**
 * The compact wire form of a sample vector: its numbers as little-endian IEEE-754 doubles, in base64.
 * The same doubles as the JSON array, bit for bit, so both forms score alike; but a 128-number sample
 * is 1,368 characters instead of about 2,800, and costs a base64 pass instead of printing and parsing
 * 128 shortest round-trip decimals on either side. The drive-mode client sends this form.
 */

import { endianness } from 'node:os';

const BYTES_PER_NUMBER = 8;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Characters of the base64 form of `dimension` numbers, padding included. */
export function sampleBase64Length(dimension: number): number {
  return 4 * Math.ceil((dimension * BYTES_PER_NUMBER) / 3);
}

export function encodeSampleBase64(sample: ArrayLike<number>): string {
  // A Float64Array on a little-endian host already holds the wire bytes: encode them without a copy.
  if (LITTLE_ENDIAN_HOST && sample instanceof Float64Array) return Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength).toString('base64');
  const bytes = Buffer.allocUnsafe(sample.length * BYTES_PER_NUMBER);
  for (let i = 0; i < sample.length; i++) bytes.writeDoubleLE(sample[i]!, i * BYTES_PER_NUMBER);
  return bytes.toString('base64');
}

/**
 * The numbers of a base64 sample, or undefined when it does not hold exactly `dimension` numbers each
 * within ±`bound` (which also refuses NaN and the infinities, which the JSON form cannot carry).
 */
export function decodeSampleBase64(text: string, dimension: number, bound: number): Float64Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== dimension * BYTES_PER_NUMBER) return undefined;
  const sample = doublesOf(bytes, dimension);
  for (let i = 0; i < dimension; i++) {
    const value = sample[i]!;
    if (!(value >= -bound && value <= bound)) return undefined;
  }
  return sample;
}

/**
 * The doubles of little-endian bytes. On a little-endian host they are the bytes themselves: a view
 * when the buffer is 8-byte aligned (Node's pool keeps its slices aligned), one copy when it is not.
 */
function doublesOf(bytes: Buffer, dimension: number): Float64Array {
  if (LITTLE_ENDIAN_HOST && bytes.byteOffset % BYTES_PER_NUMBER === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, dimension);
  const sample = new Float64Array(dimension);
  if (LITTLE_ENDIAN_HOST) new Uint8Array(sample.buffer).set(bytes);
  else for (let i = 0; i < dimension; i++) sample[i] = bytes.readDoubleLE(i * BYTES_PER_NUMBER);
  return sample;
}
