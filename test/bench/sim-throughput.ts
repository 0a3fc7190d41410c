import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { RandomStream } from '../../sim/rng/index.ts';
import type { Perf } from '../../sim/metrics/summary.ts';
import { describeMachine, formatSpread, machine, numberFlag, spread, type Machine, type Spread } from './bench-report.ts';

/**
 * Sim-mode throughput: the baseline scenario at 125k and 1M participants × 30 days (and 10M with
 * --ten-million, a minute or more a run), each run as the `checkin-sim run` command in its own
 * process (so peak RSS is the run's own), several times, with medians; next to the raw draw rate of
 * the PRNG measured in the same process, so the distance to that limit shows. Each figure is the
 * median (min–max) over the runs. Targets (issue 17, 2 cores, 2 workers), on the whole process's
 * wall time and peak RSS: 125k ≤ 1.5 s; 1M ≤ 5 s; 10M ≤ 25 s and ≤ 3 GB.
 *
 *   node --import tsx test/bench/sim-throughput.ts [--rounds 3] [--workers 2] [--ten-million]
 */
const BIN = fileURLToPath(new URL('../../sim/cli/bin.js', import.meta.url));

export interface SimBenchRow {
  participants: number;
  days: number;
  runs: number;
  /** The run's own wall time, from its perf.json (s). */
  wallS: Spread;
  /** The whole `checkin-sim run` process, start-up and output included (s): what the target is on. */
  processWallS: Spread;
  eventsPerS: Spread;
  participantDaysPerS: Spread;
  drawsPerParticipantDay: Spread;
  peakRssMb: Spread;
  targetWallS: number;
  targetRssMb: number;
  /** The median process wall time and peak RSS within the targets. */
  meetsTarget: boolean;
}

export interface SimBenchResult {
  machine: Machine;
  settings: { runs: number; workers: number; days: number };
  rows: SimBenchRow[];
  drawRate: { aleaRawPerS: number; streamPerS: number };
  /** Node's own start-up on this machine (`node -e 0`, ms), timed before each run: the floor of every process wall above. */
  nodeStartMs: Spread;
  /** Certificates Node reads at every start before any script runs, when this machine sets NODE_EXTRA_CA_CERTS; then also `node -e 0` without them (ms). */
  extraCaCerts: { file: string; nodeStartWithoutMs: Spread } | undefined;
}

const DAYS = 30;

export function measureDrawRate(draws = 50_000_000): { aleaRawPerS: number; streamPerS: number } {
  const raw = seedrandom.alea('bench');
  let sink = 0;
  let started = performance.now();
  for (let i = 0; i < draws; i++) sink += raw();
  const aleaRawPerS = draws / ((performance.now() - started) / 1000);
  const stream = new RandomStream('bench');
  started = performance.now();
  for (let i = 0; i < draws; i++) sink += stream.uniform();
  const streamPerS = draws / ((performance.now() - started) / 1000);
  if (sink < 0) throw new Error('unreachable');
  return { aleaRawPerS, streamPerS };
}

/** The wall time of a Node process that runs nothing (ms). */
function nodeStart(env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['-e', '0'], { env });
  if (result.status !== 0) throw new Error(`node -e 0 failed: ${result.stderr.toString()}`);
  return performance.now() - started;
}

function runOnce(participants: number, workers: number): { perf: Perf; processWallS: number } {
  const out = mkdtempSync(join(tmpdir(), 'checkin-sim-bench-'));
  try {
    const started = performance.now();
    const result = spawnSync(process.execPath, [BIN, 'run', '--participants', String(participants), '--days', String(DAYS), '--workers', String(workers), '--out', out], { encoding: 'utf8' });
    const processWallS = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`run failed: ${result.stderr}`);
    return { perf: JSON.parse(readFileSync(join(out, 'perf.json'), 'utf8')) as Perf, processWallS };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const SIZES = [
  { participants: 125_000, targetWallS: 1.5, targetRssMb: 1024 },
  { participants: 1_000_000, targetWallS: 5, targetRssMb: 3072 },
];
const TEN_MILLION = { participants: 10_000_000, targetWallS: 25, targetRssMb: 3072 };

export function runSimBench(options: { runs?: number; workers?: number; tenMillion?: boolean } = {}): SimBenchResult {
  const runs = options.runs ?? 3;
  const workers = options.workers ?? 2;
  const machineNow = machine();
  const certificates = process.env.NODE_EXTRA_CA_CERTS;
  const withoutCertificates = { ...process.env, NODE_EXTRA_CA_CERTS: undefined };
  const nodeStarts: number[] = [];
  const nodeStartsWithout: number[] = [];
  // Targets for the whole process with 2 workers.
  const rows = [...SIZES, ...(options.tenMillion ? [TEN_MILLION] : [])].map(({ participants, targetWallS, targetRssMb }): SimBenchRow => {
    const samples = Array.from({ length: runs }, () => {
      nodeStarts.push(nodeStart());
      if (certificates !== undefined) nodeStartsWithout.push(nodeStart(withoutCertificates));
      return runOnce(participants, workers);
    });
    const perf = samples.map((sample) => sample.perf);
    const processWallS = spread(samples.map((sample) => sample.processWallS));
    const peakRssMb = spread(perf.map((p) => p.peakRssMb));
    return {
      participants,
      days: DAYS,
      runs,
      wallS: spread(perf.map((p) => p.wallMs / 1000)),
      processWallS,
      eventsPerS: spread(perf.map((p) => p.eventsPerSec)),
      participantDaysPerS: spread(perf.map((p) => p.participantDays / (p.wallMs / 1000))),
      drawsPerParticipantDay: spread(perf.map((p) => p.draws / p.participantDays)),
      peakRssMb,
      targetWallS,
      targetRssMb,
      meetsTarget: processWallS.median <= targetWallS && peakRssMb.median <= targetRssMb,
    };
  });
  return {
    machine: machineNow,
    settings: { runs, workers, days: DAYS },
    rows,
    drawRate: measureDrawRate(),
    nodeStartMs: spread(nodeStarts),
    extraCaCerts: certificates === undefined ? undefined : { file: certificates, nodeStartWithoutMs: spread(nodeStartsWithout) },
  };
}

function extraCaCertsNote(certificates: SimBenchResult['extraCaCerts']): string {
  if (certificates === undefined) return '';
  return `, including reading the certificates NODE_EXTRA_CA_CERTS names (${certificates.file}), which Node does at every start: ${formatSpread(certificates.nodeStartWithoutMs)} ms without them`;
}

export function formatSimBench(result: SimBenchResult): string {
  const { rows, drawRate, settings } = result;
  const lines = [
    `## sim mode: baseline scenario × ${settings.days} days`,
    `${describeMachine(result.machine)}. Each size run ${settings.runs} times as the \`run\` command in its own process, ${settings.workers} workers; median (min–max) over the runs.`,
    '',
    '| participants | run wall s | process wall s | events/s | participant-days/s | draws per participant-day | peak RSS MB | target (process wall, RSS) |',
    '|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (row) =>
        `| ${row.participants.toLocaleString('en-US')} | ${formatSpread(row.wallS, 2)} | ${formatSpread(row.processWallS, 2)} | ${formatSpread(row.eventsPerS)} | ${formatSpread(row.participantDaysPerS)} | ${formatSpread(row.drawsPerParticipantDay, 1)} | ${formatSpread(row.peakRssMb)} | ≤ ${row.targetWallS} s, ≤ ${row.targetRssMb} MB: ${row.meetsTarget ? 'met' : 'MISSED'} |`,
    ),
    '',
    `Node's own start-up on this machine (\`node -e 0\`, timed before each run): ${formatSpread(result.nodeStartMs)} ms, part of every process wall above${extraCaCertsNote(result.extraCaCerts)}.`,
    `PRNG (Alea), same process: seedrandom's ${(drawRate.aleaRawPerS / 1e6).toFixed(1)} M draws/s; through RandomStream ${(drawRate.streamPerS / 1e6).toFixed(1)} M draws/s.`,
    ...rows.map((row) => {
      const drawsPerS = row.drawsPerParticipantDay.median * row.participantDaysPerS.median;
      return `At ${row.participants.toLocaleString('en-US')}: the run consumes ${(drawsPerS / 1e6).toFixed(1)} M draws/s across its workers, ${((100 * drawsPerS) / drawRate.aleaRawPerS).toFixed(1)} % of one core's raw draw rate.`;
    }),
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = numberFlag(process.argv, 'rounds');
  const workers = numberFlag(process.argv, 'workers');
  const tenMillion = process.argv.includes('--ten-million');
  process.stdout.write(`${formatSimBench(runSimBench({ ...(runs !== undefined && { runs }), ...(workers !== undefined && { workers }), tenMillion }))}\n`);
}
