import { NumberedStreams, RandomStream } from './random-stream.ts';

/**
 * What a stream is used for. Each purpose gets its own stream so that adding draws to one part of
 * the model does not shift another's: a participant's profile does not change when the behaviour
 * model changes, and the scenario's shocks do not depend on the population.
 */
export type StreamPurpose = 'profile' | 'life' | 'shocks' | 'template' | 'enrolment';

/** The stream of one participant for one purpose: it depends on (seed, purpose, id) only. */
export function participantStream(seed: number, purpose: StreamPurpose, participantId: number): RandomStream {
  return participantStreams(seed, purpose).stream(participantId);
}

let cachedSeed = Number.NaN;
const streamsByPurpose = new Map<StreamPurpose, NumberedStreams>();

/**
 * The participants' streams `<seed>/<purpose>/<id>`, made once per seed and purpose rather than for
 * every participant; a caller that makes many holds on to them (asking for its participants in order).
 */
export function participantStreams(seed: number, purpose: StreamPurpose): NumberedStreams {
  if (seed !== cachedSeed) {
    streamsByPurpose.clear();
    cachedSeed = seed;
  }
  let streams = streamsByPurpose.get(purpose);
  if (streams === undefined) {
    streams = new NumberedStreams(`${seed}/${purpose}/`);
    streamsByPurpose.set(purpose, streams);
  }
  return streams;
}

/** The scenario's own stream, from which exogenous shocks are drawn before anyone is simulated. */
export function scenarioStream(seed: number, purpose: StreamPurpose): RandomStream {
  return new RandomStream(`${seed}/${purpose}`);
}

/**
 * A stream of the verification study (sim/verification): keyed apart from every fleet stream, so the
 * study draws nothing the fleet draws, and by its own `part` (modality, stratum, chunk, role).
 */
export function studyStream(seed: number, part: string): RandomStream {
  return new RandomStream(`${seed}/verification/${part}`);
}

/**
 * A uniform on [0, 1) that is a pure function of its integer keys (a 32-bit avalanche hash, the
 * finaliser of MurmurHash3 applied per key). Used where a draw must not depend on any stream's
 * position: the server side of the in-process backend, whose faults must not shift the client's draws.
 */
export function keyedUniform(seed: number, a: number, b: number, c: number): number {
  return keyedUniformAt(keyedPrefix(seed, a, b), c);
}

/** The hash of keyedUniform's first three keys: a run of draws c under the same (seed, a, b) hashes them once. */
function keyedPrefix(seed: number, a: number, b: number): number {
  return keyedPrefixAt(keyedRoot(seed, a), b);
}

/** The hash of keyedUniform's first two keys: prefixes under the same (seed, a) hash them once. */
export function keyedRoot(seed: number, a: number): number {
  return mix(mix(0x9e3779b9 ^ seed) ^ a);
}

/** keyedPrefix(seed, a, b) from keyedRoot(seed, a). */
export function keyedPrefixAt(root: number, b: number): number {
  return mix(root ^ Math.imul(b, 0x85ebca6b));
}

/** keyedUniform(seed, a, b, c) from keyedPrefix(seed, a, b). */
export function keyedUniformAt(prefix: number, c: number): number {
  return (mix(prefix ^ Math.imul(c, 0xc2b2ae35)) >>> 0) / 0x100000000;
}

function mix(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
