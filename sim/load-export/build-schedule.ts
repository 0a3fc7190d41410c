import type { Population } from '../population/population.ts';
import { FAILURE_CAUSES, INTENTS, VERDICTS } from '../../scenarios/vocabulary.ts';
import { createFleet } from '../engine/fleet.ts';
import { InProcessBackend } from '../backends/in-process.ts';
import { ShardMetrics, type MetricsData, type ParticipantTally } from '../metrics/shard-metrics.ts';
import { causeOf } from '../../scenarios/k6/lib/attempt-outcome.ts';
import type { AttemptResponse, CheckInAttempt } from '../backends/backend.ts';
import type { CheckInWindow } from '../behaviour/schedule.ts';
import type { AttemptLabel, ExpectedOutcome, VerdictName } from '../../scenarios/k6/lib/export-format.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/**
 * The schedule a fault-free server would see: every participant's life run against the in-process
 * server (the shared policy, the same verdicts as sim mode), with neither the scenario's own server
 * error rate nor its backend outages (those are the real server's to produce, or not), and every
 * attempt that reaches the server recorded with its answer and its window's outcome. This is exactly
 * what a fault-free drive run sends: the lives draw the same numbers and get the same answers.
 */

export interface ScheduledAttempt {
  row: number;
  attempt: CheckInAttempt;
  label: AttemptLabel;
}

export interface ScheduledWindow {
  row: number;
  index: number;
  window: CheckInWindow;
}

export interface BuiltSchedule {
  population: Population;
  /** In send order: by instant, then participant, window and attempt. */
  attempts: ScheduledAttempt[];
  windows: ScheduledWindow[];
  /** The run's outcomes, as a summary of any mode would show them. */
  metrics: MetricsData;
}

/** ShardMetrics that also tells the schedule each window's outcome as the life records it. */
class WindowOutcomes extends ShardMetrics {
  onWindow: (intent: number, verdict: number, cause: number) => void = () => {};

  override window(tally: ParticipantTally, day: number, intent: number, verdict: number, cause: number): void {
    super.window(tally, day, intent, verdict, cause);
    this.onWindow(intent, verdict, cause);
  }
}

function expectedOutcomeOf(response: AttemptResponse): ExpectedOutcome {
  return response.outcome === 'judged' ? response.judgement : response.outcome;
}

function replyOf(response: AttemptResponse) {
  return response.outcome === 'judged' ? response : { outcome: response.outcome, errorKind: '' };
}

export function buildSchedule(scenario: Scenario): BuiltSchedule {
  const metrics = new WindowOutcomes(scenario.days);
  const windows: ScheduledWindow[] = [];
  const { population, shocks, caseloads, lifeOf } = createFleet(scenario, undefined, {
    metrics,
    onSchedule: (row, schedule) => schedule.forEach((window, index) => windows.push({ row, index, window })),
  });
  const server = new InProcessBackend(scenario.policy, { ...shocks, backendOutages: [] }, 0, scenario.seed);

  const attempts: ScheduledAttempt[] = [];
  let pending: { attempt: CheckInAttempt; response: AttemptResponse }[] = [];
  let row = 0;
  metrics.onWindow = (intent, verdict, cause) => {
    if (pending.length === 0) return;
    let judgedBefore = 0;
    pending.forEach(({ attempt, response }, index) => {
      const last = index === pending.length - 1;
      const label: AttemptLabel = {
        intent: INTENTS[intent] as 'complied' | 'impostor',
        window: attempt.windowIndex,
        attempt: attempt.attemptIndex,
        modality: attempt.modality,
        expected: expectedOutcomeOf(response),
        ...(response.outcome === 'judged' && { similarity: response.similarity }),
        judgedBefore,
        last,
      };
      if (last) {
        const windowCause = cause < 0 ? null : FAILURE_CAUSES[cause]!;
        label.windowVerdict = VERDICTS[verdict] as VerdictName;
        label.windowCause = VERDICTS[verdict] === 'verified' ? null : windowCause;
        label.causeAfter = label.windowCause !== null && label.windowCause !== causeOf(replyOf(response), attempt.modality);
      }
      if (response.outcome === 'judged') judgedBefore++;
      attempts.push({ row, attempt, label });
    });
    pending = [];
  };

  for (row = 0; row < population.size; row++) {
    const life = lifeOf(row);
    for (let step = life.next(); !step.done; ) {
      const response = server.submit(step.value);
      pending.push({ attempt: step.value, response });
      step = life.next(response);
    }
  }
  caseloads.settle();
  attempts.sort((a, b) => a.attempt.at - b.attempt.at || a.row - b.row || a.attempt.windowIndex - b.attempt.windowIndex || a.attempt.attemptIndex - b.attempt.attemptIndex);
  return { population, attempts, windows, metrics: metrics.data };
}
