import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/cli.ts';

describe('--metrics-port', () => {
  it('is refused in sim mode', async () => {
    const result = await runCliInProcess(['run', '--participants', '10', '--days', '1', '--metrics-port', '0', '--out', join(tmpdir(), 'checkin-metrics-port-sim')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('CLI_ERR_USAGE: --metrics-port: expected drive mode');
  });

  it('names the port when it cannot listen on it, before anything is driven', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    const out = mkdtempSync(join(tmpdir(), 'checkin-metrics-port-'));
    try {
      const result = await runCliInProcess(['run', '--mode', 'drive', '--participants', '10', '--days', '1', '--metrics-port', String(port), '--out', out]);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`CLI_ERR_INVALID_FLAG: --metrics-port ${port}: expected a port free to listen on at 127.0.0.1 (listen EADDRINUSE`);
    } finally {
      taken.close();
      rmSync(out, { recursive: true, force: true });
    }
  });
});
