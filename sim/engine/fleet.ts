import { buildPopulation, type Population } from '../population/population.ts';
import { drawShocks, type ShockCalendar } from '../behaviour/shocks.ts';
import { ShardMetrics } from '../metrics/shard-metrics.ts';
import { Caseloads } from './caseloads.ts';
import { participantLife, runLife, type LifeContext } from './participant-life.ts';
import { ListenerPair, type LifeListeners } from './life-listener.ts';
import { MetricsListener } from './metrics-listener.ts';
import { EventLogListener } from './event-log-listener.ts';
import type { EventRecorder } from './event-log.ts';
import type { AttemptResponse, CheckInAttempt } from '../backends/backend.ts';
import type { InProcessBackend } from '../backends/in-process.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { participantStreams } from '../rng/index.ts';

/** Participants `firstId` to `firstId + size - 1`. */
export interface FleetRange {
  firstId: number;
  size: number;
}

export interface FleetOptions {
  /** Where the lives record their outcomes; fresh ShardMetrics when absent. */
  metrics?: ShardMetrics;
  /** The event log, when one is written. */
  events?: EventRecorder;
  onSchedule?: LifeContext['onSchedule'];
}

export interface Fleet {
  population: Population;
  shocks: ShockCalendar;
  metrics: ShardMetrics;
  caseloads: Caseloads;
  /** A participant's life, not yet started (see participantLife). */
  lifeOf(row: number): Generator<CheckInAttempt, void, AttemptResponse>;
  /** Runs a participant's life to its end against the in-process server (sim mode); `onAttempt` sees when each attempt reaches it. */
  runLife(row: number, server: InProcessBackend, onAttempt?: (at: number) => void): void;
}

/**
 * The participants of an id range with everything their lives share: the scenario's shocks (the same
 * in every range), the range's population, the metrics and the officers' caseloads. Sim mode, drive
 * mode, the k6 export and replay all run their lives from here.
 */
export function createFleet(scenario: Scenario, range: FleetRange = { firstId: 0, size: scenario.participants }, options: FleetOptions = {}): Fleet {
  const population = buildPopulation(scenario, range.firstId, range.size);
  const shocks = drawShocks(scenario);
  const metrics = options.metrics ?? new ShardMetrics(scenario.days);
  const { events } = options;
  const caseloads = new Caseloads(scenario, metrics, events ?? null);
  const listeners: LifeListeners = events
    ? (row, id) => new ListenerPair(new MetricsListener(metrics, population, row), new EventLogListener(events, id))
    : (row) => new MetricsListener(metrics, population, row);
  const lifeStreams = participantStreams(scenario.seed, 'life');
  const context: LifeContext = { scenario, population, shocks, lifeStreams, listeners, caseloads, onSchedule: options.onSchedule };
  return {
    population,
    shocks,
    metrics,
    caseloads,
    lifeOf: (row) => participantLife(context, row),
    runLife: (row, server, onAttempt) => runLife(context, row, server, onAttempt),
  };
}
