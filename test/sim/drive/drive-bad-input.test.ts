import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/cli.ts';
import type { Summary } from '../../../sim/metrics/summary.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const directory = tempDir('drive-bad');
const partialSummary = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;

describe('drive mode against a target that cannot be driven', () => {
  let garbage: Server;
  let garbageUrl: string;

  beforeAll(async () => {
    garbage = createServer((_request, response) => response.end('<html>hello</html>'));
    garbage.listen(0, '127.0.0.1');
    await once(garbage, 'listening');
    const address = garbage.address() as { port: number };
    garbageUrl = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => garbage.close());

  it('an unreachable --target ends in a clear message, exit 3, and a summary that says so', async () => {
    const out = join(directory, 'unreachable');
    const result = await runCliInProcess(['run', '--mode', 'drive', '--participants', '50', '--days', '1', '--target', 'http://127.0.0.1:9', '--officer-token', 'x'.repeat(20), '--out', out]);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('DRV_ERR_TARGET_UNREACHABLE: --target http://127.0.0.1:9: cannot connect (ECONNREFUSED)');
    expect(partialSummary(out).load!.aborted).toContain('DRV_ERR_TARGET_UNREACHABLE');
  });

  it('a target that answers garbage ends in a clear message, exit 3', async () => {
    const out = join(directory, 'garbage');
    const result = await runCliInProcess(['run', '--mode', 'drive', '--participants', '50', '--days', '1', '--target', garbageUrl, '--officer-token', 'x'.repeat(20), '--out', out]);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain(`DRV_ERR_TARGET_PROTOCOL: --target ${garbageUrl}: GET /readyz answered 200`);
    expect(result.stderr).toContain('expected 200 with {"status":"ready","now":<virtual ms>}');
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });

  it('a compression the driver cannot keep up with stops the run with the lag measured, partial results written', async () => {
    const out = join(directory, 'too-fast');
    const result = await runCliInProcess(['run', '--mode', 'drive', '--participants', '5000', '--days', '30', '--compression', '1000000', '--max-lag-ms', '300', '--max-lag-for-ms', '1000', '--out', out]);
    expect(result.status).toBe(3);
    const stopped = /DRV_ERR_CANNOT_KEEP_UP: at compression 1000000 the driver has been more than 300 ms behind its schedule for (\d+) ms \(lag now \d+ ms, p99 so far [\d.]+ ms\)/.exec(result.stderr);
    expect(stopped, result.stderr).not.toBeNull();
    // --max-lag-for-ms, not the default 5 s, decided when.
    expect(Number(stopped![1])).toBeGreaterThanOrEqual(1000);
    expect(Number(stopped![1])).toBeLessThan(5000);
    expect(result.stdout).toContain('PARTIAL RESULTS');
    const summary = partialSummary(out);
    expect(summary.load!.aborted).toContain('DRV_ERR_CANNOT_KEEP_UP');
    expect(summary.load!.requests).toBeGreaterThan(0);
    expect(summary.load!.driverLagMsP99).toBeGreaterThan(300);
  }, 120_000);
});
