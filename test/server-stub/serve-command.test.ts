import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { officer, OFFICER_TOKEN, removeTempDirs, spawnServe, tempDir } from './server-fixtures.ts';

afterAll(removeTempDirs);

// These run server-stub/serve-main.ts, the same `serve` command outside the checkin-sim program, so
// that they do not depend on the rest of the CLI.
describe('serve command', () => {
  it('prints its address once ready, serves, and exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const faults = join(dir, 'faults.yaml');
    writeFileSync(faults, 'errorRate: { status: 1 }\n');
    const server = await spawnServe(['--port', '0', '--db', join(dir, 'c.db'), '--threshold', '0.5', '--clock-factor', '60', '--faults', faults, '--officer-token', OFFICER_TOKEN]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await request(`${server.url}/readyz`);
    expect(await health.body.json()).toMatchObject({ status: 'ready', store: 'sqlite' });
    const faultsInForce = await request(`${server.url}/v1/admin/faults`, { headers: officer });
    expect(((await faultsInForce.body.json()) as { errorRate: { status: number } }).errorRate.status).toBe(1);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output().match(/listening on/g)).toHaveLength(1);
  });

  it('makes up an officer token when none is given, and says so on stderr', async () => {
    const server = await spawnServe(['--port', '0']);
    await expect.poll(() => server.output(), { timeout: 10_000 }).toMatch(/officer token \(made up at start\): \S{20,}/);
    server.child.kill('SIGINT');
    expect((await server.exited).code).toBe(0);
  });

  it('refuses bad options with the code, the field and what was expected, exit status 2', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'server-stub/serve-main.ts', 'serve', ...args], { encoding: 'utf8', timeout: 30_000 });
    const factor = run('--port', '0', '--clock-factor', '0');
    expect(factor.status).toBe(2);
    expect(factor.stderr).toContain('SRV_ERR_OPTIONS: clock.factor: expected a number > 0');
    const missing = run('--port', '0', '--faults', '/nonexistent/faults.yaml');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/SRV_ERR_FILE: faults: cannot read \/nonexistent\/faults.yaml/);
    const port = run('--port', 'eighty');
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('--port: expected an integer in 0..65535');
  });
});
