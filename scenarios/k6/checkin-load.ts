/**
 * The check-in fleet's load on k6: replays a schedule written by `checkin-sim export-k6`.
 *
 *   k6 run -e EXPORT_DIR=/abs/export -e TARGET=http://host:8080 -e OFFICER_TOKEN=… scenarios/k6/checkin-load.ts
 *   (after `k6 run … scenarios/k6/enrol.ts` has enrolled the fleet and written tokens.json)
 *
 * Two ramping-arrival-rate scenarios whose stages are the schedule's own rate curves: `attempts` (one
 * iteration per scheduled check-in) and `registrations` (one per bulk window registration, ahead of
 * the windows' opening). Iteration i sends the schedule's request i (`exec.scenario.iterationInTest`,
 * which k6 splits across --execution-segment instances), at its own instant. The logic lives in
 * ./lib (plain TypeScript, tested by vitest); this file is the k6 glue.
 */
import http from 'k6/http';
import exec from 'k6/execution';
import { sleep } from 'k6';
import { SharedArray } from 'k6/data';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import { interpretReply, parseBody } from './lib/attempt-outcome.ts';
import { attemptSamples, registrationSamples, type Sample } from './lib/attempt-samples.ts';
import { EXPECTED_SUMMARY_FILE, MANIFEST_FILE, TOKENS_FILE, TOKENS_FORMAT, locate, routeOf, type AttemptEntry, type ExportManifest, type RegistrationBatch, type TokensFile } from './lib/export-format.ts';
import { METRICS } from './lib/k6-metrics.ts';
import { STANDING_SAMPLES_EVERY_MS, harnessAnswerSamples, harnessRegistrationSamples, harnessSentSamples, harnessStandingSamples } from './lib/harness-samples.ts';
import { K6_HARNESS_METRICS } from './lib/k6-harness-metrics.ts';
import { buildK6Summary, textSummary, type MetricValues, type SummaryJson } from './lib/k6-summary.ts';
import {
  clockMatches,
  defaultRunLabel,
  instanceShare,
  instantZeroWallMs,
  loadOptions,
  measuredFactor,
  runEnvironment,
  serverTimeOf,
  type ClockReading,
} from './lib/run-plan.ts';

const given = runEnvironment(__ENV);
const manifest = JSON.parse(open(`${given.exportDir}/${MANIFEST_FILE}`)) as ExportManifest;
const env = { ...given, runLabel: __ENV.RUN_LABEL ?? defaultRunLabel(manifest) };
const bucketMs = manifest.rateCurve.attempts.bucketMs;
const lateAfterMs = manifest.k6.lateAfterMs;

const attemptChunks = manifest.attempts.chunks.map((chunk) => new SharedArray(chunk.file, () => JSON.parse(open(`${env.exportDir}/${chunk.file}`)) as AttemptEntry[]));
const registrationChunks = manifest.registrations.chunks.map(
  (chunk) => new SharedArray(chunk.file, () => JSON.parse(open(`${env.exportDir}/${chunk.file}`)) as RegistrationBatch[]),
);
const tokens = new SharedArray('tokens', () => {
  let text: string;
  try {
    text = open(`${env.exportDir}/${TOKENS_FILE}`);
  } catch {
    throw new Error(`${env.exportDir}/${TOKENS_FILE} is missing: enrol the fleet first with \`k6 run -e EXPORT_DIR=${env.exportDir} … scenarios/k6/enrol.ts\``);
  }
  const file = JSON.parse(text) as TokensFile;
  if (file.format !== TOKENS_FORMAT || file.tokens.length !== manifest.counts.participants) {
    throw new Error(`${TOKENS_FILE}: expected ${manifest.counts.participants} tokens written by enrol.ts for this export, found ${file.tokens?.length ?? 'none'}`);
  }
  return file.tokens;
});
const expected = new SharedArray('expected-summary', () => [JSON.parse(open(`${env.exportDir}/${EXPECTED_SUMMARY_FILE}`)) as SummaryJson]);

/** k6's Options type, reached through k6/execution (k6/options is a types-only module k6 does not provide). */
type Options = typeof exec.test.options;
const plan = loadOptions(manifest, env);
export const options: Options = plan;

const counters = new Map<string, Counter | Rate | Trend | Gauge>([
  [METRICS.attempts, new Counter(METRICS.attempts)],
  [METRICS.asExpected, new Rate(METRICS.asExpected)],
  [METRICS.windowVerdicts, new Counter(METRICS.windowVerdicts)],
  [METRICS.falseFailures, new Counter(METRICS.falseFailures)],
  [METRICS.verdictShifts, new Counter(METRICS.verdictShifts)],
  [METRICS.falseFailureShifts, new Counter(METRICS.falseFailureShifts)],
  [METRICS.latency, new Trend(METRICS.latency, true)],
  [METRICS.sendLag, new Trend(METRICS.sendLag, true)],
  [METRICS.late, new Counter(METRICS.late)],
  [METRICS.errors, new Counter(METRICS.errors)],
  [METRICS.failed, new Rate(METRICS.failed)],
  [METRICS.scoreMismatches, new Counter(METRICS.scoreMismatches)],
  [METRICS.spare, new Counter(METRICS.spare)],
  [METRICS.registrations, new Counter(METRICS.registrations)],
]);
// The harness's own metric names, for the dashboards (docs/k6.md, "Prometheus remote write").
for (const metric of K6_HARNESS_METRICS) counters.set(metric.name, metric.type === 'gauge' ? new Gauge(metric.name) : new Counter(metric.name));
const record = (samples: readonly Sample[]) => samples.forEach((sample) => counters.get(sample.metric)!.add(sample.value, sample.tags));
const standing = harnessStandingSamples(manifest.compression, manifest.scenario.policy);
/** When this VU last recorded the standing samples (each VU has its own copy of the module). */
let standingRecordedAt = 0;

interface SetupData {
  clock: ClockReading;
  zeroWallMs: number;
  segment: string;
  sequence: string;
  scheduledAttempts: number;
}

const officerHeaders = { 'content-type': 'application/json', authorization: `Bearer ${env.officerToken}` };

function readClock(): ClockReading {
  const before = Date.now();
  const response = http.get(`${env.target}/readyz`, { tags: { name: '/readyz' }, responseType: 'text' });
  const wallMs = (before + Date.now()) / 2;
  const now = (parseBody(response.body as string | null) as { now?: unknown } | undefined)?.now;
  if (response.status !== 200 || typeof now !== 'number') {
    exec.test.abort(`TARGET ${env.target}: GET /readyz answered ${response.status}; expected 200 with {"status":"ready","now":<virtual ms>}`);
  }
  return { serverMs: now as number, wallMs };
}

/** Checks the target and its clock; fixes the wall instant of the schedule's instant 0. */
export function setup(): SetupData {
  const first = readClock();
  sleep(0.3);
  const factor = measuredFactor(first, readClock());
  if (!clockMatches(factor, manifest.compression)) {
    exec.test.abort(`TARGET ${env.target}: its virtual clock runs at about ×${factor.toPrecision(3)}, the export at ×${manifest.compression}; start the server with --clock-factor ${manifest.compression}`);
  }
  const share = instanceShare(exec.test.options, plan.scenarios.attempts.maxVUs, manifest.counts.attempts);
  const clock = readClock();
  return { clock, zeroWallMs: instantZeroWallMs(Date.now(), bucketMs), ...share };
}

function waitFor(wallMs: number): void {
  const early = wallMs - Date.now();
  if (early > 0) sleep(early / 1000);
}

/** One scheduled check-in attempt, sent at its instant. */
export function attempt(data: SetupData): void {
  const where = locate(manifest.attempts.chunks, exec.scenario.iterationInTest);
  if (!where) {
    counters.get(METRICS.spare)!.add(1);
    return;
  }
  const entry = attemptChunks[where.chunk]![where.offset]!;
  const intended = data.zeroWallMs + entry.offsetMs;
  waitFor(intended);
  const sent = Date.now();
  const lagMs = Math.max(0, sent - intended);
  if (sent - standingRecordedAt >= STANDING_SAMPLES_EVERY_MS) {
    standingRecordedAt = sent;
    record(standing);
  }
  record(harnessSentSamples(lagMs, lateAfterMs));
  const route = routeOf(entry.request.path);
  const response = http.post(`${env.target}${entry.request.path}`, entry.request.body, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[entry.participant]!}` },
    timeout: `${env.requestTimeoutMs}ms`,
    responseType: 'text',
    tags: { name: route },
  });
  const latencyMs = Date.now() - intended;
  const reply = interpretReply(response.status, parseBody(response.body as string | null), response.error_code);
  record(attemptSamples(entry.label, reply, { latencyMs, lagMs, lateAfterMs, route }));
  record(harnessAnswerSamples(entry.label, reply, latencyMs));
}

/** One bulk window registration, ahead of its first window's opening. */
export function registration(data: SetupData): void {
  const where = locate(manifest.registrations.chunks, exec.scenario.iterationInTest);
  if (!where) {
    counters.get(METRICS.spare)!.add(1, { phase: 'registrations' });
    return;
  }
  const batch = registrationChunks[where.chunk]![where.offset]!;
  waitFor(data.zeroWallMs + batch.offsetMs);
  const windows = batch.windows.map((window) => ({
    participantId: window.participantId,
    windowId: window.windowId,
    kind: window.kind,
    openedAt: serverTimeOf(data.clock, data.zeroWallMs, manifest, window.opensAtMs),
  }));
  const response = http.post(`${env.target}/v1/windows/bulk`, JSON.stringify({ windows }), {
    headers: officerHeaders,
    timeout: `${env.requestTimeoutMs}ms`,
    tags: { name: '/v1/windows/bulk' },
  });
  const ok = response.status === 200 || response.status === 201;
  record(registrationSamples(windows.length, ok));
  record(harnessRegistrationSamples(ok));
}

interface SummaryData {
  metrics: Record<string, { values: MetricValues; thresholds?: Record<string, { ok: boolean }> }>;
  setup_data?: SetupData;
}

/** summary.json (mode 'k6') in the export folder, or OUT_DIR; one per segment when the test is split. */
export function handleSummary(data: SummaryData): Record<string, string> {
  const setupData = data.setup_data;
  const share = setupData ?? { segment: '0:1', sequence: '', scheduledAttempts: manifest.counts.attempts };
  const thresholds: Record<string, boolean> = {};
  for (const name of [METRICS.latency, METRICS.failed]) {
    for (const [expression, result] of Object.entries(data.metrics[name]?.thresholds ?? {})) thresholds[`${name} ${expression}`] = result.ok;
  }
  const summary = buildK6Summary(expected[0]!, (name) => data.metrics[name]?.values, {
    target: env.target,
    compression: manifest.compression,
    intendedRps: (manifest.intendedRps * share.scheduledAttempts) / Math.max(1, manifest.counts.attempts),
    scheduledAttempts: share.scheduledAttempts,
    totalAttempts: manifest.counts.attempts,
    segment: share.segment,
    sequence: share.sequence,
    thresholds,
    droppedIterations: data.metrics.dropped_iterations?.values.count ?? 0,
  });
  const directory = (__ENV.OUT_DIR ?? env.exportDir).replace(/\/+$/, '');
  const file = share.segment === '0:1' ? 'summary.json' : `summary-${share.segment.replace(/[:/]/g, '_')}.json`;
  return { [`${directory}/${file}`]: `${JSON.stringify(summary, null, 2)}\n`, stdout: textSummary(summary) };
}
