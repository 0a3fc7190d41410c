import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { startServerProcess } from '../../../sim/drive/server-process.ts';
import { compressionFor, drive, smallScenario } from './drive-fixtures.ts';

describe('open-model pacing', () => {
  it('keeps sending at the scheduled rate against a slow server, and counts the wait from the due instant', async () => {
    const scenario = smallScenario({ participants: 5_000 });
    const result = await drive(scenario, {
      compression: compressionFor(scenario, 12),
      serverOptions: { faults: { latency: { fixedMs: 200 } } },
    });
    expect(result.abortedBy).toBeUndefined();
    const load = result.load;
    // The steady part: every second with requests due, except the first and the last.
    const seconds = load.timeline.filter((second) => second.intendedRps > 0).slice(1, -1);
    const intended = seconds.reduce((sum, second) => sum + second.intendedRps, 0);
    const sent = seconds.reduce((sum, second) => sum + second.sentRps, 0);
    expect(intended).toBeGreaterThan(1_000);
    expect(sent / intended).toBeGreaterThanOrEqual(0.95);
    expect(sent / intended).toBeLessThanOrEqual(1.05);
    expect(load.latencyMs.p50).toBeGreaterThanOrEqual(200);
  }, 120_000);

  it('shows a 2-second stall in the latency of every request due during it', async () => {
    const scenario = smallScenario({ participants: 3_000 });
    const server = await startServerProcess(scenario, compressionFor(scenario, 10));
    const answers: { due: number; answered: number }[] = [];
    let stall: { from: number; to: number } | undefined;
    const timer = setTimeout(() => {
      process.kill(server.pid, 'SIGSTOP');
      const from = performance.now();
      setTimeout(() => {
        process.kill(server.pid, 'SIGCONT');
        stall = { from, to: performance.now() };
      }, 2_000);
    }, 5_000);
    try {
      const result = await drive(scenario, {
        compression: compressionFor(scenario, 10),
        target: { url: server.url, officerToken: server.officerToken },
        onAnswer: (due, answered) => answers.push({ due, answered }),
      });
      expect(result.abortedBy).toBeUndefined();
    } finally {
      clearTimeout(timer);
      await server.stop();
    }
    expect(stall).toBeDefined();
    const during = answers.filter(({ due }) => due >= stall!.from && due < stall!.to - 50);
    expect(during.length).toBeGreaterThan(50);
    for (const { due, answered } of during) expect(answered - due).toBeGreaterThanOrEqual(stall!.to - due - 5);
  }, 120_000);
});
