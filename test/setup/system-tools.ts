import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian packages the browser and end-to-end tests run, and the files that show each is there. */
export const SYSTEM_TOOLS = [
  { debianPackage: 'chromium', files: ['/usr/bin/chromium'], neededBy: 'test/browser (reports opened in Chromium)' },
  { debianPackage: 'prometheus', files: ['/usr/bin/prometheus', '/usr/bin/promtool'], neededBy: 'test/e2e (dashboards against a real Prometheus)' },
] as const;

type SystemTool = (typeof SYSTEM_TOOLS)[number];

export function missingTools(present: (file: string) => boolean = existsSync): SystemTool[] {
  return SYSTEM_TOOLS.filter((tool) => !tool.files.every(present));
}

const canInstall = () => process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');

/**
 * Installs what is missing with apt-get when it can (root on Debian), saying what it installs;
 * otherwise stops with one message naming the command to run. Returns the packages it installed.
 */
export function ensureSystemTools(log: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): string[] {
  const missing = missingTools();
  if (missing.length === 0) return [];
  const packages = missing.map((tool) => tool.debianPackage);
  if (!canInstall()) {
    const needs = missing.map((tool) => `${tool.debianPackage} for ${tool.neededBy}`).join('; ');
    throw new Error(`the tests need Debian packages that are not installed: ${needs}. Run: sudo apt-get install -y ${packages.join(' ')} (or npm run test:quick, which needs none)`);
  }
  log(`test set-up: installing ${packages.join(', ')} with apt-get (${missing.map((tool) => tool.neededBy).join('; ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (status ${result.status}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
  const still = missingTools();
  if (still.length > 0) throw new Error(`apt-get installed ${packages.join(' ')}, but ${still.flatMap((tool) => tool.files).join(', ')} is still missing`);
  return packages;
}

if (process.argv[1]?.endsWith('system-tools.ts')) ensureSystemTools();
