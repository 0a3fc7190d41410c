import { spawnSync } from 'node:child_process';

const INSTALL = 'install the Debian package "prometheus" (bash .ci/run does: apt-get install -y prometheus)';

/** `promtool check metrics` on an exposition; throws with a clear message when promtool is missing. */
export function promtoolCheckMetrics(exposition: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw new Error(`promtool could not run (${result.error.message}): ${INSTALL}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** `promtool check config FILE`. */
export function promtoolCheckConfig(file: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'config', file], { encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw new Error(`promtool could not run (${result.error.message}): ${INSTALL}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** `promtool check rules FILE`. */
export function promtoolCheckRules(file: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw new Error(`promtool could not run (${result.error.message}): ${INSTALL}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The Prometheus server binary, or a clear failure. */
export function prometheusBinary(): string {
  const result = spawnSync('prometheus', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) throw new Error(`prometheus could not run (${result.error?.message ?? result.stderr}): ${INSTALL}`);
  return 'prometheus';
}
