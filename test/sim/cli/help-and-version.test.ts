import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../helpers/cli.ts';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
const COMMANDS = ['run', 'serve', 'sweep', 'compare', 'capacity', 'export-k6', 'replay', 'report'];

// In this process: what is tested is each command's answer; bin.js and main.ts are started as a user
// starts them by compiled-cli.test.ts and the other spawned tests.
describe('--help and --version', () => {
  it('lists every command in the top-level help', async () => {
    const help = await runCliInProcess(['--help']);
    expect(help.status).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it.each(COMMANDS)('%s answers --help with its usage and --version with the package version', async (command) => {
    const help = await runCliInProcess([command, '--help']);
    const printed = await runCliInProcess([command, '--version']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain(`Usage: checkin-sim ${command} [options]`);
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout.trim()).toBe(version);
  });
});
