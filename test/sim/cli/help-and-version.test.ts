import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCliAsync } from '../../helpers/cli.ts';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
const COMMANDS = ['run', 'serve', 'sweep', 'compare', 'capacity', 'export-k6', 'replay', 'report'];

describe('--help and --version', () => {
  it('lists every command in the top-level help', async () => {
    const help = await runCliAsync(['--help']);
    expect(help.status).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it.each(COMMANDS)('%s answers --help with its usage and --version with the package version', async (command) => {
    const [help, printed] = await Promise.all([runCliAsync([command, '--help']), runCliAsync([command, '--version'])]);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain(`Usage: checkin-sim ${command} [options]`);
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout.trim()).toBe(version);
  });
});
