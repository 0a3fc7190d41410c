import { performance } from 'node:perf_hooks';
import { createFleet } from '../engine/fleet.ts';
import { LoadRecorder, type LoadSummary } from '../metrics/load-metrics.ts';
import { buildSummary, type Summary } from '../metrics/summary.ts';
import { HttpBackend, interpretAttemptReply, type HttpAttemptResponse } from '../backends/http.ts';
import { checkClockFactor, startClock, type DriveClock } from '../drive/drive-clock.ts';
import { OpenModelSender } from '../drive/open-model-sender.ts';
import { startServerProcess, type ServerProcess } from '../drive/server-process.ts';
import { readExport, type LoadedExport } from './read-export.ts';
import { routeOf } from '../../scenarios/k6/lib/export-format.ts';
import { interpretReply } from '../../scenarios/k6/lib/attempt-outcome.ts';
import { SampleTotals, attemptSamples, registrationSamples, type Sample } from '../../scenarios/k6/lib/attempt-samples.ts';
import { harnessAnswerSamples, harnessRegistrationSamples, harnessSentSamples, harnessStandingSamples } from '../../scenarios/k6/lib/harness-samples.ts';
import { METRICS } from '../../scenarios/k6/lib/k6-metrics.ts';
import { buildK6Summary, type SummaryJson } from '../../scenarios/k6/lib/k6-summary.ts';
import type { AttemptResponse } from '../backends/backend.ts';
import type { ServerOptionsInput } from '../../server-stub/options.ts';

/**
 * `checkin-sim replay DIR`: the harness's own driver sends an export's schedule as it stands, the
 * requests exactly as written (paths, bodies, sample vectors), on an open model: each at its instant,
 * whatever the answers so far (the schedule is fixed, as in k6). Then it rebuilds the run from the
 * answers: every participant's life runs again, the server's answer to each of its attempts taken
 * from the replay (the shared policy turns them into verdicts, streaks and escalations), and the
 * summary is that of a drive run. Against a fault-free server it is the drive run the export came
 * from, digest included. The same answers also go through the k6 script's own code
 * (scenarios/k6/lib) to give the summary a k6 run would write.
 */

export interface ReplayOptions {
  /** A compatible server; without it, the reference server runs in a child process at the export's compression. */
  target?: { url: string; officerToken: string };
  connections: number;
  requestTimeoutMs: number;
  lateAfterMs: number;
  /** Options for the child server (faults, overload limits), merged into its config. */
  serverOptions?: ServerOptionsInput;
  /** Given, as each request leaves and is answered, the harness-named samples the k6 script records then (scenarios/k6/lib/harness-samples.ts). */
  onHarnessSamples?: (samples: readonly Sample[]) => void;
}

export interface ReplayResult {
  export: LoadedExport;
  /** The rebuilt run, mode 'drive'. */
  summary: Summary;
  /** What scenarios/k6/checkin-load.ts would write for these answers, mode 'k6'. */
  k6Summary: SummaryJson;
  load: LoadSummary;
  /** Attempts answered otherwise than the export's ground truth says a fault-free server answers. */
  answeredOtherwise: number;
  /** Attempts the rebuilt lives made that the schedule does not hold (retries after unexpected failures): counted as server errors. */
  unscheduled: number;
  wallMs: number;
}

type Due = { kind: 'attempt' | 'registration'; index: number };

export async function replayExport(directory: string, options: ReplayOptions): Promise<ReplayResult> {
  const started = performance.now();
  const loaded = readExport(directory);
  const { manifest, scenario } = loaded;
  let server: ServerProcess | undefined;
  let backend: HttpBackend | undefined;
  try {
    server = options.target ? undefined : await startServerProcess(scenario, manifest.compression, options.serverOptions);
    const target = options.target ?? { url: server!.url, officerToken: server!.officerToken };
    backend = new HttpBackend(target.url, target.officerToken, { connections: options.connections, requestTimeoutMs: options.requestTimeoutMs });
    await backend.serverNow();
    const tokens: string[] = [];
    for (const batch of loaded.enrolment) tokens.push(...(await backend.enrol(batch)));
    await checkClockFactor(backend, manifest.compression, "the export's compression");
    const clock = await startClock(backend, manifest.compression, manifest.originVirtualMs);
    const sent = await sendSchedule(loaded, options, backend, tokens, clock);
    const load = sent.recorder.summary(options.target ? target.url : `reference server (child process) ${target.url}`, manifest.compression);
    return { ...rebuild(loaded, sent.responses, load, sent.totals), load, answeredOtherwise: sent.answeredOtherwise, wallMs: performance.now() - started };
  } finally {
    await backend?.close();
    await server?.stop();
  }
}

async function sendSchedule(loaded: LoadedExport, options: ReplayOptions, backend: HttpBackend, tokens: string[], clock: DriveClock) {
  const { attempts, registrations } = loaded;
  const wallZero = clock.wallAtOrigin;
  const sender = new OpenModelSender<Due>({ wallAt: (offsetMs) => wallZero + offsetMs });
  // At equal offsets, registrations go first, then each kind in the export's order.
  registrations.forEach((batch, index) => sender.schedule(batch.offsetMs, index, { kind: 'registration', index }));
  attempts.forEach((entry, index) => sender.schedule(entry.offsetMs, registrations.length + index, { kind: 'attempt', index }));
  const recorder = new LoadRecorder(wallZero, options.lateAfterMs);
  const totals = new SampleTotals(() => (performance.now() - wallZero) / 1000);
  const responses = new Map<string, HttpAttemptResponse>();
  let answeredOtherwise = 0;

  options.onHarnessSamples?.(harnessStandingSamples(loaded.manifest.compression, loaded.manifest.scenario.policy));
  const fireAttempt = (index: number, dueWall: number) => {
    const entry = attempts[index]!;
    const sentAt = performance.now();
    recorder.sent(dueWall, sentAt);
    options.onHarnessSamples?.(harnessSentSamples(Math.max(0, sentAt - dueWall), options.lateAfterMs));
    const answered = backend.postAttempt(entry.request.path, entry.request.body, tokens[entry.participant]!).then((reply) => {
      const doneAt = performance.now();
      const response = 'status' in reply ? interpretAttemptReply(reply.status, reply.body) : reply.failure;
      recorder.done(dueWall, doneAt, response.errorKind);
      responses.set(keyOf(entry.participant, entry.label.window, entry.label.attempt), response);
      // The k6 script's own reading of the same answer.
      const k6Reply = 'status' in reply ? interpretReply(reply.status, reply.body) : interpretReply(0, undefined, response.errorKind === 'timeout' ? 1050 : undefined);
      const samples = attemptSamples(entry.label, k6Reply, { latencyMs: doneAt - dueWall, lagMs: Math.max(0, sentAt - dueWall), lateAfterMs: options.lateAfterMs, route: routeOf(entry.request.path) });
      samples.forEach((sample) => totals.add(sample));
      options.onHarnessSamples?.(harnessAnswerSamples(entry.label, k6Reply, doneAt - dueWall));
      if (samples.some((sample) => sample.metric === METRICS.asExpected && sample.value === false)) answeredOtherwise++;
    });
    sender.track(answered);
  };
  const fireRegistration = (index: number) => {
    const batch = registrations[index]!;
    const registered = backend
      .registerWindows(batch.windows.map((window) => ({ participantId: window.participantId, windowId: window.windowId, kind: window.kind, openedAt: clock.toServer(window.opensAtMs) })))
      .then(
        () => registrationSamples(batch.windows.length, true).forEach((sample) => totals.add(sample)),
        () => {
          recorder.error('window_registration');
          registrationSamples(batch.windows.length, false).forEach((sample) => totals.add(sample));
          options.onHarnessSamples?.(harnessRegistrationSamples(false));
        },
      );
    sender.track(registered);
  };

  await sender.send((due, dueWall) => (due.kind === 'attempt' ? fireAttempt(due.index, dueWall) : fireRegistration(due.index)));
  await sender.drain(options.requestTimeoutMs);
  return { recorder, totals, responses, answeredOtherwise };
}

const keyOf = (row: number, window: number, attempt: number) => `${row}:${window}:${attempt}`;

/** The run rebuilt from the answers: lives again, each attempt answered as the server answered it. */
function rebuild(loaded: LoadedExport, responses: ReadonlyMap<string, HttpAttemptResponse>, load: LoadSummary, totals: SampleTotals) {
  const { scenario, manifest } = loaded;
  const { population, metrics, caseloads, lifeOf } = createFleet(scenario);
  let unscheduled = 0;
  for (let row = 0; row < population.size; row++) {
    const life = lifeOf(row);
    for (let step = life.next(); !step.done; ) {
      const attempt = step.value;
      const answer = responses.get(keyOf(row, attempt.windowIndex, attempt.attemptIndex));
      let response: AttemptResponse;
      if (answer === undefined) {
        unscheduled++;
        response = { outcome: 'server_error' };
      } else {
        const { errorKind: _errorKind, ...plain } = answer;
        response = plain as AttemptResponse;
      }
      step = life.next(response);
    }
  }
  caseloads.settle();
  const summary = buildSummary(scenario, 'drive', metrics.data, load);
  const k6Summary = buildK6Summary(loaded.expected, (name) => totals.view(name), {
    target: load.target,
    compression: manifest.compression,
    intendedRps: manifest.intendedRps,
    scheduledAttempts: manifest.counts.attempts,
    totalAttempts: manifest.counts.attempts,
    segment: '0:1',
    sequence: '',
  });
  return { export: loaded, summary, k6Summary, unscheduled };
}
