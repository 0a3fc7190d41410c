import { createFleet, type Fleet } from '../engine/fleet.ts';
import { InProcessBackend } from '../backends/in-process.ts';
import { REGISTRATION_LEAD_MS } from './load-test-server.ts';
import type { AttemptResponse, CheckInAttempt } from '../backends/backend.ts';
import type { CheckInWindow } from '../behaviour/schedule.ts';
import type { Scenario } from '../../scenarios/schema.ts';

export interface FleetWindow {
  row: number;
  index: number;
  window: CheckInWindow;
}

/** A span of the period in virtual ms, [from, to). */
export interface Slice {
  from: number;
  to: number;
}

/**
 * The fleet's lives as drive mode runs them: all at once, each resumed with its answer from the
 * server. Attempts before the slice are answered by the in-process server, so that lives reach it in
 * the state they would have; none after it is sent.
 */
export class DriveLives {
  readonly fleet: Fleet;
  readonly slice: Slice;
  /** Every participant's windows, in the order their lives started. */
  private readonly windows: FleetWindow[] = [];
  private readonly lives: Generator<CheckInAttempt, void, AttemptResponse>[];
  private readonly beforeSlice: InProcessBackend;

  constructor(scenario: Scenario, slice: Slice = { from: 0, to: Number.POSITIVE_INFINITY }) {
    this.slice = slice;
    this.fleet = createFleet(scenario, undefined, {
      onSchedule: (row, schedule) => schedule.forEach((window, index) => this.windows.push({ row, index, window })),
    });
    this.beforeSlice = new InProcessBackend(scenario.policy, this.fleet.shocks, scenario.backend.errorRate, scenario.seed);
    this.lives = Array.from({ length: this.fleet.population.size }, (_, row) => this.fleet.lifeOf(row));
  }

  /** Starts every life: each one's first attempt to send, if any. */
  start(): (CheckInAttempt | undefined)[] {
    return this.lives.map((_, row) => this.nextToSend(row));
  }

  /** A life's next attempt to send, after answering in process those due before the slice. */
  nextToSend(row: number, response?: AttemptResponse): CheckInAttempt | undefined {
    const life = this.lives[row]!;
    let step = response === undefined ? life.next() : life.next(response);
    while (!step.done && step.value.at < this.slice.from) step = life.next(this.beforeSlice.submit(step.value));
    return step.done || step.value.at >= this.slice.to ? undefined : step.value;
  }

  /** The windows open during the slice (known once the lives have started). */
  windowsInSlice(): FleetWindow[] {
    return this.windows.filter(({ window }) => window.opensAt < this.slice.to && window.closesAt > this.slice.from);
  }

  /**
   * The scenario instant the clock starts at. Nothing is sent before the first window's registration
   * is due: start there rather than spend wall time on hours in which no window is open (the period
   * starts at UTC midnight).
   */
  clockOrigin(compression: number): number {
    const { from, to } = this.slice;
    const firstOpening = this.windows.reduce((first, { window }) => (window.closesAt > from ? Math.min(first, window.opensAt) : first), Number.POSITIVE_INFINITY);
    return Math.max(from, Math.min(firstOpening, to) - REGISTRATION_LEAD_MS * compression);
  }
}
