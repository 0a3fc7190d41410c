import { participantStream } from '../rng/index.ts';

/**
 * A participant's enrolled biometric template: a unit vector drawn on demand from the participant's
 * 'template' stream. Sim mode never needs it (scores come from two draws, see biometrics.ts); the
 * HTTP backend enrols it with the server and builds the vectors it sends around it.
 */
export function enrolledTemplate(seed: number, participantId: number, dimension: number): Float64Array {
  const stream = participantStream(seed, 'template', participantId);
  const template = Float64Array.from({ length: dimension }, () => stream.normal());
  let norm = 0;
  for (const value of template) norm += value * value;
  norm = Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) template[i] = template[i]! / norm;
  return template;
}
