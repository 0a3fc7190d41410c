import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, formatSpread, machine, numberFlag, spread, type Machine, type Spread } from './bench-report.ts';

/**
 * What the verification study costs (issue 18: at most 20 % of a sweep's wall time): the threshold
 * sweep and the baseline run, each as the CLI command in its own process, with the scenario's study
 * and with the study at its smallest (1,000 windows a stratum, ~0.6 % of the default draws; its
 * threads still start, so what differs is the scores drawn), side by side within each round, the
 * order alternating; wall and CPU time (GNU time, /usr/bin/time). Figures are medians (min–max) over the rounds; the added share is the median of
 * the rounds' own ratios.
 *
 *   node --import tsx test/bench/study-cost.ts [--rounds 3] [--workers 2] [--participants N]
 */
const BIN = fileURLToPath(new URL('../../sim/cli/bin.js', import.meta.url));
const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const SMALLEST_STUDY = 'verification:\n  genuineWindows: 1000\n  impostorWindows: 1000\n  lookAlikeWindows: 1000\n';

export interface StudyCostRow {
  command: 'sweep' | 'run';
  scenario: string;
  participants?: number;
  withStudyS: Spread;
  withoutStudyS: Spread;
  /** with / without − 1, per round. */
  addedShare: Spread;
  withStudyCpuS: Spread;
  withoutStudyCpuS: Spread;
  /** The study's own wall time in the runs with it (perf.json `verificationMs`), beside the fleet (sweep) or the charts (run). */
  verificationS: Spread;
}

export interface StudyCostResult {
  machine: Machine;
  settings: { rounds: number; workers: number };
  rows: StudyCostRow[];
  /** The rule: the study adds at most this share to a sweep. */
  targetShare: number;
}

interface Sample {
  wallS: number;
  /** CPU seconds of the process and its threads (GNU time): steadier than wall time on a shared machine. */
  cpuS: number;
  verificationS: number;
}

function runOnce(command: 'sweep' | 'run', scenarioFile: string, workers: number, participants: number | undefined): Sample {
  const out = mkdtempSync(join(tmpdir(), 'checkin-sim-study-cost-'));
  try {
    const size = participants === undefined ? [] : ['--participants', String(participants)];
    const started = performance.now();
    const result = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, BIN, command, scenarioFile, ...size, '--workers', String(workers), '--out', out], { encoding: 'utf8' });
    const [, user, system] = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr) ?? [];
    const wallS = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
    const perf = JSON.parse(readFileSync(join(out, 'perf.json'), 'utf8')) as { verificationMs: number };
    return { wallS, cpuS: Number(user) + Number(system), verificationS: perf.verificationMs / 1000 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function measure(command: 'sweep' | 'run', scenario: string, options: { rounds: number; workers: number; participants?: number }): StudyCostRow {
  const folder = mkdtempSync(join(tmpdir(), 'checkin-sim-study-scenarios-'));
  try {
    const withStudy = join(folder, 'with.yaml');
    const withoutStudy = join(folder, 'without.yaml');
    writeFileSync(withStudy, `extends: ${join(SCENARIOS, scenario)}\n`);
    writeFileSync(withoutStudy, `extends: ${join(SCENARIOS, scenario)}\n${SMALLEST_STUDY}`);
    const rounds = Array.from({ length: options.rounds }, (_, round) => {
      const pair = round % 2 === 0 ? [withStudy, withoutStudy] : [withoutStudy, withStudy];
      const [first, second] = pair.map((file) => runOnce(command, file, options.workers, options.participants));
      return round % 2 === 0 ? { with: first!, without: second! } : { with: second!, without: first! };
    });
    return {
      command,
      scenario,
      ...(options.participants !== undefined && { participants: options.participants }),
      withStudyS: spread(rounds.map((round) => round.with.wallS)),
      withoutStudyS: spread(rounds.map((round) => round.without.wallS)),
      addedShare: spread(rounds.map((round) => round.with.wallS / round.without.wallS - 1)),
      withStudyCpuS: spread(rounds.map((round) => round.with.cpuS)),
      withoutStudyCpuS: spread(rounds.map((round) => round.without.cpuS)),
      verificationS: spread(rounds.map((round) => round.with.verificationS)),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export function runStudyCostBench(options: { rounds?: number; workers?: number; participants?: number } = {}): StudyCostResult {
  const settings = { rounds: options.rounds ?? 3, workers: options.workers ?? 2 };
  const machineNow = machine();
  const size = options.participants === undefined ? {} : { participants: options.participants };
  return {
    machine: machineNow,
    settings,
    rows: [measure('sweep', 'threshold-sweep.yaml', { ...settings, ...size }), measure('run', 'baseline.yaml', { ...settings, ...size })],
    targetShare: 0.2,
  };
}

export function formatStudyCostBench(result: StudyCostResult): string {
  const { rows, settings } = result;
  return [
    '## verification study: what it adds to a sweep and to a run',
    `${describeMachine(result.machine)}. Each command run ${settings.rounds} times with the scenario's study and with the smallest study, side by side, ${settings.workers} workers; median (min–max) over the rounds.`,
    '',
    '| command | with study s | smallest study s | added | study wall s (concurrent) | CPU s with / smallest | target |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...rows.map((row) => {
      const size = row.participants === undefined ? '' : ` --participants ${row.participants}`;
      const target = row.command === 'sweep' ? `≤ ${result.targetShare * 100} %: ${row.addedShare.median <= result.targetShare ? 'met' : 'MISSED'}` : '—';
      return `| \`${row.command} scenarios/${row.scenario}${size}\` | ${formatSpread(row.withStudyS, 2)} | ${formatSpread(row.withoutStudyS, 2)} | ${(100 * row.addedShare.median).toFixed(1)} % (${(100 * row.addedShare.min).toFixed(1)}–${(100 * row.addedShare.max).toFixed(1)}) | ${formatSpread(row.verificationS, 2)} | ${formatSpread(row.withStudyCpuS, 1)} / ${formatSpread(row.withoutStudyCpuS, 1)} | ${target} |`;
    }),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = numberFlag(process.argv, 'rounds');
  const workers = numberFlag(process.argv, 'workers');
  const participants = numberFlag(process.argv, 'participants');
  const result = runStudyCostBench({ ...(rounds !== undefined && { rounds }), ...(workers !== undefined && { workers }), ...(participants !== undefined && { participants }) });
  process.stdout.write(`${formatStudyCostBench(result)}\n`);
}
