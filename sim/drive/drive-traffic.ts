import { performance } from 'node:perf_hooks';
import { enrolledTemplate } from '../population/template.ts';
import { SampleBasis } from '../backends/sample-vector.ts';
import { syntheticLocation } from '../backends/synthetic-location.ts';
import type { OpenModelSender } from './open-model-sender.ts';
import { REGISTRATION_LEAD_MS, WINDOW_BATCH } from './load-test-server.ts';
import { participantIdOf } from '../../scenarios/k6/lib/export-format.ts';
import type { DriveClock } from './drive-clock.ts';
import type { DriveLives, FleetWindow } from './drive-lives.ts';
import type { Population } from '../population/population.ts';
import type { LoadRecorder } from '../metrics/load-metrics.ts';
import type { DriveMetricsSink } from '../metrics/drive-metrics-sink.ts';
import type { HttpBackend, WindowRegistration } from '../backends/http.ts';
import type { AttemptResponse, CheckInAttempt } from '../backends/backend.ts';
import type { Scenario } from '../../scenarios/schema.ts';

const ATTEMPT = 1 as const;
const REGISTRATION = 0 as const;

export type Due = { kind: typeof ATTEMPT; row: number; attempt: CheckInAttempt } | { kind: typeof REGISTRATION; windows: WindowRegistration[] };

export interface DriveTrafficParts {
  scenario: Scenario;
  lives: DriveLives;
  backend: HttpBackend;
  tokens: readonly string[];
  clock: DriveClock;
  sender: OpenModelSender<Due>;
  recorder: LoadRecorder;
  sink?: DriveMetricsSink;
  onAnswer?: (dueWallMs: number, answeredWallMs: number, errorKind?: string) => void;
}

/**
 * Drive mode's requests: window registrations and the lives' attempts, scheduled on the sender and
 * sent when due; each answer is recorded and resumes its life, whose next attempt is scheduled in
 * turn (a participant's next attempt waits for the answer to its previous one, as a person would).
 */
export class DriveTraffic {
  private readonly bases = new Map<number, SampleBasis>();
  /** Each attempt's sample vector, reused: `submit` encodes it before it returns. */
  private readonly sample: Float64Array;
  private stopped = false;

  constructor(private readonly parts: DriveTrafficParts) {
    this.sample = new Float64Array(parts.scenario.biometrics.dimension);
  }

  /** Registrations of the windows in batches, each due REGISTRATION_LEAD_MS before its first window opens; then the lives' first attempts. */
  scheduleStart(windows: readonly FleetWindow[], firstAttempts: readonly (CheckInAttempt | undefined)[]): void {
    const { sender, clock } = this.parts;
    for (const batch of registrationBatches(windows, clock, this.parts.lives.fleet.population)) sender.schedule(batch.due, REGISTRATION, batch.value);
    firstAttempts.forEach((attempt, row) => attempt && this.scheduleAttempt(row, attempt));
  }

  /** Answers from now on resume no life (the run is over). */
  stop(): void {
    this.stopped = true;
  }

  fire = (due: Due, dueWall: number): void => {
    if (due.kind === REGISTRATION) this.register(due.windows);
    else this.sendAttempt(due.row, due.attempt, dueWall);
  };

  private scheduleAttempt(row: number, attempt: CheckInAttempt): void {
    this.parts.sender.schedule(attempt.at, ATTEMPT + row, { kind: ATTEMPT, row, attempt });
    this.parts.sink?.scheduled(this.parts.clock.wallAt(attempt.at));
  }

  private register(windows: WindowRegistration[]): void {
    const { backend, sender, recorder, sink } = this.parts;
    const registered = backend.registerWindows(windows).then(
      () => {},
      () => {
        recorder.error('window_registration');
        sink?.error('window_registration');
      },
    );
    sender.track(registered);
  }

  private sendAttempt(row: number, attempt: CheckInAttempt, dueWall: number): void {
    const { scenario, backend, tokens, lives, sender, recorder, sink, onAnswer } = this.parts;
    const sentAt = performance.now();
    recorder.sent(dueWall, sentAt);
    sink?.sent(dueWall, sentAt);
    const participant = lives.fleet.population.idOf(row);
    const request = {
      attempt,
      participantId: participantIdOf(participant),
      token: tokens[row]!,
      sample: this.basisOf(row).vectorFor(attempt.sample, this.sample),
      location: attempt.modality === 'face' ? syntheticLocation(scenario.seed, participant, lives.fleet.population.timeZone[row]!) : undefined,
    };
    const answered = backend.submit(request).then((response) => {
      const answeredAt = performance.now();
      recorder.done(dueWall, answeredAt, response.errorKind);
      sink?.answered(dueWall, answeredAt, response.errorKind);
      onAnswer?.(dueWall, answeredAt, response.errorKind);
      this.resume(row, response);
    });
    sender.track(answered);
  }

  private resume(row: number, response: AttemptResponse): void {
    if (this.stopped) return;
    const attempt = this.parts.lives.nextToSend(row, response);
    if (attempt) this.scheduleAttempt(row, attempt);
  }

  private basisOf(row: number): SampleBasis {
    let basis = this.bases.get(row);
    if (!basis) {
      basis = new SampleBasis(enrolledTemplate(this.parts.scenario.seed, this.parts.lives.fleet.population.idOf(row), this.parts.scenario.biometrics.dimension));
      this.bases.set(row, basis);
    }
    return basis;
  }
}

/** Windows in registration batches sorted by opening, each due well before the first of its windows opens. */
function registrationBatches(windows: readonly FleetWindow[], clock: DriveClock, population: Population): { due: number; value: Due }[] {
  const sorted = [...windows].sort((a, b) => a.window.opensAt - b.window.opensAt || a.row - b.row);
  const leadVirtual = REGISTRATION_LEAD_MS * clock.compression;
  const batches: { due: number; value: Due }[] = [];
  for (let first = 0; first < sorted.length; first += WINDOW_BATCH) {
    const slice = sorted.slice(first, first + WINDOW_BATCH);
    batches.push({
      due: slice[0]!.window.opensAt - leadVirtual,
      value: {
        kind: REGISTRATION,
        windows: slice.map(({ row, index, window }) => ({
          participantId: participantIdOf(population.idOf(row)),
          windowId: String(index),
          kind: window.kind,
          openedAt: clock.toServer(window.opensAt),
        })),
      },
    });
  }
  return batches;
}
