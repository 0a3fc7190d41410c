import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { CAUSE_CLASSES, CAUSE_CLASS_OF } from '../../../scenarios/vocabulary.ts';
import { HttpBackend, interpretAttemptReply } from '../../../sim/backends/http.ts';
import { DriveClock } from '../../../sim/drive/drive-clock.ts';
import { readSummary } from '../../../sim/compare/read-summary.ts';
import { compareSummaries } from '../../../sim/compare/compare-summaries.ts';
import { buildRunReport } from '../../../sim/report/run-report.ts';
import { SERVER_ERRORS } from '../../../server-stub/errors.ts';
import { resolveOptions, type ServerOptionsInput } from '../../../server-stub/options.ts';
import { windowVerdict } from '../../../server-stub/policy/index.ts';
import { writeExport } from '../../../sim/load-export/write-export.ts';
import { attemptRequest } from '../../../sim/backends/attempt-request.ts';
import { readExport, type LoadedExport } from '../../../sim/load-export/read-export.ts';
import { summarise } from '../../helpers/run.ts';
import { runCliInProcess } from '../../helpers/cli.ts';
import { sha256Hex } from '../../../scenarios/k6/lib/sha256.ts';
import { ERROR_KINDS, interpretReply, reckonWindow, windowVerdictOf, type ReplyOutcome } from '../../../scenarios/k6/lib/attempt-outcome.ts';
import { SampleTotals, attemptSamples } from '../../../scenarios/k6/lib/attempt-samples.ts';
import { METRICS, countedSubmetrics } from '../../../scenarios/k6/lib/k6-metrics.ts';
import { buildK6Summary, textSummary, type K6RunContext } from '../../../scenarios/k6/lib/k6-summary.ts';
import { instanceShare, loadOptions, measuredFactor, clockMatches, runEnvironment, serverTimeOf } from '../../../scenarios/k6/lib/run-plan.ts';
import { equalSplit } from '../../../scenarios/k6/lib/execution-segments.ts';
import type { AttemptLabel } from '../../../scenarios/k6/lib/export-format.ts';
import type { Summary } from '../../../sim/metrics/summary.ts';

const directory = mkdtempSync(join(tmpdir(), 'checkin-sim-k6-summary-'));
let loaded: LoadedExport;
const scenario = loadScenario({ file: 'scenarios/baseline.yaml', overrides: { participants: 900, days: 3, seed: 8, 'backend.errorRate': 0, 'slo.latencyP99Ms': 400 } });

beforeAll(() => {
  writeExport(scenario, { outDir: join(directory, 'export'), compression: 5000, chunkSize: 300 });
  loaded = readExport(join(directory, 'export'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const asExpected = (label: AttemptLabel): ReplyOutcome =>
  label.expected === 'too_late' || label.expected === 'server_error'
    ? { outcome: label.expected, errorKind: label.expected === 'too_late' ? 'window_closed' : 'http_500' }
    : { outcome: 'judged', judgement: label.expected, similarity: label.similarity! };
const timing = { latencyMs: 3, lagMs: 0, lateAfterMs: 10, route: 'r' };
const context = (): K6RunContext => ({ target: 'http://server', compression: 5000, intendedRps: loaded.manifest.intendedRps, scheduledAttempts: loaded.manifest.counts.attempts, totalAttempts: loaded.manifest.counts.attempts, segment: '0:1', sequence: '' });

/** The k6 summary for the export's attempts, each answered as `answer` says (as expected when it returns undefined). */
function k6SummaryWith(answer: (label: AttemptLabel, index: number) => ReplyOutcome | undefined) {
  const totals = new SampleTotals(() => 10);
  loaded.attempts.forEach((entry, index) => attemptSamples(entry.label, answer(entry.label, index) ?? asExpected(entry.label), timing).forEach((sample) => totals.add(sample)));
  return buildK6Summary(loaded.expected, (name) => totals.view(name), context());
}

describe('the k6 summary: expectation plus what the server did otherwise', () => {
  it('a run whose every attempt is answered as expected has the export\'s k6 digest, from the same SHA-256', () => {
    const summary = k6SummaryWith(() => undefined);
    expect(summary.mode).toBe('k6');
    expect(summary.digest).toBe(loaded.manifest.expectation.k6Digest);
    expect(summary.digest).toBe(loaded.expected.digest);
    const load = summary.load as { requests: number; errors: object; latencyMs: { p99: number }; k6: { notSent: number; answeredOtherwise: number } };
    expect(load).toMatchObject({ requests: loaded.manifest.counts.attempts, errors: {}, latencyMs: { p99: 3 }, k6: { notSent: 0, answeredOtherwise: 0 } });
  });

  it('a verified window whose last attempt meets a 503 moves to missed or rejected, with cause server_error', () => {
    const index = loaded.attempts.findIndex((entry) => entry.label.last && entry.label.intent === 'complied' && entry.label.windowVerdict === 'verified');
    const label = loaded.attempts[index]!.label;
    const summary = k6SummaryWith((_, at) => (at === index ? interpretReply(503, { code: 'SRV_ERR_OVERLOADED' }) : undefined));
    const expected = loaded.expected;
    const to = label.judgedBefore > 0 ? 'rejected' : 'missed';
    expect(summary.verdicts.verified).toBe(expected.verdicts.verified - 1);
    expect(summary.verdicts[to]).toBe(expected.verdicts[to] + 1);
    expect(summary.falseFailures.byCause.server_error).toBe(expected.falseFailures.byCause.server_error! + 1);
    expect(summary.falseFailures.total).toBe(expected.falseFailures.total + 1);
    expect(summary.falseFailures.rate).toBe((expected.falseFailures.total + 1) / expected.windows.complied);
    // server_error is the system's: that class gains the window, the others stay, and the classes still sum to the total.
    expect(CAUSE_CLASS_OF.server_error).toBe('system');
    for (const causeClass of CAUSE_CLASSES) {
      const total = expected.falseFailures.byClass[causeClass].total + (causeClass === 'system' ? 1 : 0);
      expect(summary.falseFailures.byClass[causeClass], causeClass).toEqual({ total, rate: total / expected.windows.complied });
    }
    expect(CAUSE_CLASSES.reduce((sum, causeClass) => sum + summary.falseFailures.byClass[causeClass].total, 0)).toBe(summary.falseFailures.total);
    expect(Object.keys(summary.falseFailures)).toEqual(['total', 'rate', 'byCause', 'byClass', 'bySegment']);
    expect(textSummary(summary)).toContain(`system false failures ${expected.falseFailures.byClass.system.total + 1} (`);
    expect(summary.digest).not.toBe(expected.digest);
    expect((summary.load as { errors: object }).errors).toEqual({ http_503_overloaded: 1 });
    // The digest is the harness's: SHA-256 of the summary without digest and load.
    const { digest, load: _load, ...rest } = summary;
    expect(createHash('sha256').update(JSON.stringify(rest)).digest('hex')).toBe(digest);
  });

  it('gives a rate with nothing to divide by as null, as the harness does, and keeps what it cannot know as scheduled', () => {
    const expected = structuredClone(loaded.expected);
    expected.windows = { ...expected.windows, impostor: 0 };
    expected.falseAccepts = { total: 0, rate: null };
    const summary = buildK6Summary(expected, () => undefined, context());
    expect(summary.falseAccepts.rate).toBeNull();
    expect(summary.falseFailures.byClass.system.rate).toBe(expected.falseFailures.byClass.system.total / expected.windows.complied);
    for (const field of ['escalations', 'burden', 'peopleAffected', 'daily', 'scores'] as const) expect(summary[field], field).toEqual(expected[field]);
    expect(summary.falseFailures.bySegment).toEqual(expected.falseFailures.bySegment);
    expect((summary.load as { k6: { asScheduled: string[] } }).k6.asScheduled).toEqual(['escalations', 'burden', 'peopleAffected', 'falseFailures.bySegment', 'daily', 'scores']);
  });

  it('an impostor window that fails at the server stops being a false accept', () => {
    // An impostor's matched last attempt (a false accept as scheduled), answered with a timeout instead.
    const impostor: AttemptLabel = { intent: 'impostor', window: 1, attempt: 0, modality: 'face', expected: 'match', similarity: 0.4, judgedBefore: 0, last: true, windowVerdict: 'verified', windowCause: null, causeAfter: false };
    const totals = new SampleTotals(() => 10);
    loaded.attempts.forEach((entry) => attemptSamples(entry.label, asExpected(entry.label), timing).forEach((sample) => totals.add(sample)));
    attemptSamples(impostor, interpretReply(0, undefined, 1050), timing).forEach((sample) => totals.add(sample));
    const summary = buildK6Summary(loaded.expected, (name) => totals.view(name), context());
    expect(summary.falseAccepts.total).toBe(loaded.expected.falseAccepts.total - 1);
    expect(summary.verdicts.missed).toBe(loaded.expected.verdicts.missed + 1);
    expect(summary.falseFailures.total).toBe(loaded.expected.falseFailures.total);
    expect((summary.load as { errors: object }).errors).toEqual({ timeout: 1 });
  });

  it('is read by compare and the report like a drive run', async () => {
    const summary = k6SummaryWith((label) => (label.last && label.window === 0 ? interpretReply(409, { code: 'SRV_ERR_WINDOW_CLOSED' }) : undefined));
    const file = join(directory, 'summary.json');
    writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
    const k6 = readSummary(file).summary;
    const sim = await summarise(scenario);
    const comparison = compareSummaries({ run: 'sim', summary: sim }, { run: 'k6', summary: k6 });
    const falseFailureRate = comparison.figures.find((figure) => figure.key === 'falseFailureRate');
    expect(falseFailureRate!.b!).toBeGreaterThan(falseFailureRate!.a!);
    expect(comparison.figures.some((figure) => figure.key === 'latencyP99')).toBe(false);
    const html = await buildRunReport(k6 as Summary);
    expect(html).toContain('k6 mode');
    expect(html).toContain('window_closed');
    // `checkin-sim report` writes it for a summary a k6 run wrote.
    const result = await runCliInProcess(['report', file]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`report: ${join(directory, 'report.html')}\n`);
    expect(readFileSync(join(directory, 'report.html'), 'utf8')).toContain('k6 mode');
  }, 30_000);
});

describe('the k6 library agrees with the harness', () => {
  it('SHA-256 of UTF-8, as node:crypto', () => {
    for (const text of ['', 'abc', 'a'.repeat(1000), 'español ✓ 𝄞 — 中文', readFileSync(join(directory, 'export', 'expected-summary.json'), 'utf8')]) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it("reads answers as sim/backends/http.ts's interpretAttemptReply does", () => {
    const replies: [number, unknown][] = [
      [201, { judgement: 'match', similarity: 0.5 }],
      [200, { judgement: 'below_threshold', similarity: 0.1, replayed: true }],
      [201, { judgement: 'not_live', similarity: 0.9 }],
      [201, { judgement: 'bogus', similarity: 0.9 }],
      [409, { code: 'SRV_ERR_WINDOW_CLOSED' }],
      [409, { code: 'SRV_ERR_ATTEMPTS_EXHAUSTED' }],
      [503, { code: 'SRV_ERR_OVERLOADED' }],
      [500, undefined],
      [502, { unparsable: '<html>' }],
    ];
    for (const [status, body] of replies) expect(interpretReply(status, body), `${status} ${JSON.stringify(body)}`).toEqual(interpretAttemptReply(status, body));
    expect(interpretReply(0, undefined, 1050)).toEqual({ outcome: 'server_error', errorKind: 'timeout' });
    expect(interpretReply(0, undefined, 1211)).toEqual({ outcome: 'server_error', errorKind: 'connection' });
  });

  it('window verdicts, causes and error kinds match the policy, the model and the server', () => {
    for (const judged of [0, 1, 2, 3]) for (const matched of [false, true]) expect(windowVerdictOf(judged, matched)).toBe(windowVerdict(judged, matched));
    for (const [code, { status }] of Object.entries(SERVER_ERRORS)) {
      if (status === undefined) continue;
      const kind = code === 'SRV_ERR_WINDOW_CLOSED' ? 'window_closed' : `http_${status}_${code.replace(/^SRV_ERR_/, '').toLowerCase()}`;
      expect(ERROR_KINDS, code).toContain(kind);
    }
  });

  it('reckons a window from its last scheduled attempt', () => {
    const last: AttemptLabel = { intent: 'complied', window: 2, attempt: 1, modality: 'face', expected: 'match', similarity: 0.6, judgedBefore: 1, last: true, windowVerdict: 'verified', windowCause: null, causeAfter: false };
    expect(reckonWindow(last, { outcome: 'judged', judgement: 'match', similarity: 0.6 })).toEqual({ verdict: 'verified', cause: null });
    expect(reckonWindow(last, { outcome: 'too_late', errorKind: 'window_closed' })).toEqual({
      verdict: 'rejected',
      cause: 'server_latency',
      shift: { from: 'verified', to: 'rejected', fromCause: null, toCause: 'server_latency' },
    });
    expect(reckonWindow({ ...last, judgedBefore: 0 }, { outcome: 'server_error', errorKind: 'timeout' }).shift).toEqual({ from: 'verified', to: 'missed', fromCause: null, toCause: 'server_error' });
    // A later attempt that failed on the phone keeps its cause; the verdict follows what was judged.
    const rejected: AttemptLabel = { ...last, modality: 'voice', expected: 'below_threshold', judgedBefore: 0, windowVerdict: 'rejected', windowCause: 'call_dropped', causeAfter: true };
    expect(reckonWindow(rejected, { outcome: 'server_error', errorKind: 'http_503_outage' })).toEqual({
      verdict: 'missed',
      cause: 'call_dropped',
      shift: { from: 'rejected', to: 'missed', fromCause: 'call_dropped', toCause: 'call_dropped' },
    });
    const samples = attemptSamples(rejected, { outcome: 'server_error', errorKind: 'http_503_outage' }, timing);
    expect(samples.filter((sample) => sample.metric === METRICS.falseFailureShifts)).toEqual([
      { metric: METRICS.falseFailureShifts, value: 1, tags: { shift: 'removed_call_dropped' } },
      { metric: METRICS.falseFailureShifts, value: 1, tags: { shift: 'added_call_dropped' } },
    ]);
  });

  describe('builds the requests HttpBackend sends, byte for byte', () => {
    let server: Server;
    let url = '';
    const received: { path: string; body: string }[] = [];
    beforeAll(async () => {
      server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          received.push({ path: request.url!, body });
          response.writeHead(201, { 'content-type': 'application/json' }).end('{"judgement":"match","similarity":0.5}');
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(() => server.close());

    it('for a selfie with its location and for a call-back', async () => {
      const backend = new HttpBackend(url, 'x'.repeat(20), { connections: 1, requestTimeoutMs: 5000 });
      const sample = [0.25, -0.5, 1 / 3];
      const location = { lat: 40.1, lon: -75.2, accuracyM: 8 };
      const face = { windowIndex: 3, attemptIndex: 1, modality: 'face' as const, windowKind: 'scheduled' as const, livenessScore: 0.42 };
      const voice = { windowIndex: 4, attemptIndex: 0, modality: 'voice' as const, windowKind: 'adhoc' as const, livenessScore: 0.9 };
      for (const [attempt, where] of [[face, location], [voice, undefined]] as const) {
        await backend.submit({ attempt: { ...attempt, participantId: 7, windowOpensAt: 0, windowClosesAt: 1, at: 0, sample: { along: 1, acrossSquared: 0 } as never }, participantId: 'p7', token: 't', sample, ...(where && { location: where }) });
        expect(received.pop()).toEqual(attemptRequest('p7', attempt, sample, where));
      }
      await backend.close();
    });
  });
});

describe('the run plan k6 reads from the export', () => {
  it("thresholds from the scenario's SLO, stages from the rate curve, VUs for up to 8 equal segments", () => {
    const env = runEnvironment({ EXPORT_DIR: '/exports/x', TARGET: 'http://server:8080/', OFFICER_TOKEN: 'o' });
    const options = loadOptions(loaded.manifest, { ...env, runLabel: 'r1' });
    expect(options.thresholds.checkin_latency_from_intended).toEqual(['p(99)<400']);
    expect(options.thresholds.checkin_request_failed).toEqual(['rate<0.01']);
    for (const name of countedSubmetrics()) expect(options.thresholds[name]).toEqual(['count>=0']);
    const { attempts } = options.scenarios;
    expect(attempts.maxVUs % 840).toBe(0);
    const total = attempts.stages.reduce((sum, stage) => sum + Number.parseInt(stage.duration, 10), 0);
    expect(total).toBe((loaded.manifest.rateCurve.attempts.counts.length + 1) * loaded.manifest.rateCurve.attempts.bucketMs);
    expect(options.tags).toEqual({ run: 'r1', scenario: scenario.name });
    expect(options.systemTags).not.toContain('url');
    expect(options.systemTags).not.toContain('scenario');
    expect(env.target).toBe('http://server:8080');
  });

  it('writes a config the reference server accepts: the scenario\'s policy, its clock at the compression', () => {
    const options = resolveOptions(JSON.parse(readFileSync(join(directory, 'export', 'reference-server.json'), 'utf8')) as ServerOptionsInput);
    expect(options.policy).toEqual(scenario.policy);
    expect(options.clock.factor).toBe(5000);
    expect(options.bulk.maxParticipants).toBeGreaterThanOrEqual(loaded.manifest.enrolment.batchSize);
  });

  it('refuses an environment it cannot run with, naming the variable', () => {
    expect(() => runEnvironment({ EXPORT_DIR: 'out/x' })).toThrow(/^EXPORT_DIR: expected the absolute path/);
    expect(() => runEnvironment({ EXPORT_DIR: '/x', TARGET: 'server:8080' })).toThrow(/^TARGET: expected the server's base URL/);
    expect(() => runEnvironment({ EXPORT_DIR: '/x', MAX_VUS: 'many' })).toThrow(/^MAX_VUS: expected an integer ≥ 1/);
    expect(runEnvironment({ EXPORT_DIR: '/x', MAX_VUS: '1000' }).maxVUs).toBe(1680);
  });

  it("maps the schedule to the server's clock as drive mode does, and checks the clock's rate", () => {
    const reading = { serverMs: 5_000_000, wallMs: 1_700_000_000_000 };
    const zero = reading.wallMs + 1000;
    const clock = new DriveClock(5000, loaded.manifest.originVirtualMs, zero, reading.serverMs + 1000 * 5000);
    for (const virtual of [0, 3_600_000, 86_400_123]) expect(serverTimeOf(reading, zero, loaded.manifest, virtual)).toBe(clock.toServer(virtual));
    expect(clockMatches(measuredFactor(reading, { serverMs: reading.serverMs + 1_000_000, wallMs: reading.wallMs + 200 }), 5000)).toBe(true);
    expect(clockMatches(measuredFactor(reading, { serverMs: reading.serverMs + 200, wallMs: reading.wallMs + 200 }), 5000)).toBe(false);
  });

  it("gives each of N instances its share of the schedule's attempts, summing to the whole", () => {
    const total = loaded.manifest.counts.attempts;
    for (let parts = 1; parts <= 8; parts++) {
      const split = equalSplit(parts);
      const shares = split.segments.map((segment) => instanceShare({ executionSegment: segment, executionSegmentSequence: split.sequence }, loaded.manifest.k6.maxVUs, total).scheduledAttempts);
      expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
    expect(instanceShare({}, loaded.manifest.k6.maxVUs, total)).toEqual({ segment: '0:1', sequence: '', scheduledAttempts: total });
    // k6 gives options it was not given as null.
    expect(instanceShare({ executionSegment: null, executionSegmentSequence: null }, loaded.manifest.k6.maxVUs, total).scheduledAttempts).toBe(total);
  });
});
