import { performance } from 'node:perf_hooks';

/** The server's notion of now, in integer ms of virtual time. */
export interface Clock {
  now(): number;
  /** Virtual ms per wall ms. */
  readonly factor: number;
}

/**
 * virtual = startMs + (wall - wall at creation) × factor. With factor 1 and no startMs it is the wall
 * clock. Wall time is read from the monotonic performance clock so virtual time never runs backwards.
 */
export function createClock(settings: { factor: number; startMs?: number | undefined }): Clock {
  const startMs = settings.startMs ?? Date.now();
  const wallAtStart = performance.now();
  const factor = settings.factor;
  return {
    factor,
    now: () => Math.floor(startMs + (performance.now() - wallAtStart) * factor),
  };
}

/**
 * The clock retention is measured on: virtual time plus `offset`. The offset is 0 unless the server
 * restarted on a store that has seen a later instant than its clock now reads (an earlier
 * `clock.startMs`); then it is the difference, so that retention goes on counting from the newest
 * instant seen and a restart can never keep personal data longer (store.beginRetentionEpoch).
 */
export interface RetentionClock {
  now(): number;
  /** Retention ms ahead of virtual ms. */
  readonly offset: number;
}

export function createRetentionClock(clock: Clock, offset: number): RetentionClock {
  return { offset, now: () => clock.now() + offset };
}
