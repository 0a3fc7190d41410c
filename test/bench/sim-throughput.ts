import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { RandomStream } from '../../sim/rng/index.ts';
import type { Perf } from '../../sim/metrics/summary.ts';

/**
 * Sim-mode throughput: the baseline scenario at 125k and 1M participants × 30 days, each run as the
 * `checkin-sim run` command in its own process (so peak RSS is the run's own), several times, with
 * medians; next to the raw draw rate of the PRNG measured in the same process, so the distance to
 * that limit shows. Targets (issue 2, 2 cores): 125k ≤ 5 s and ≤ 1 GB; 1M ≤ 40 s and ≤ 3 GB.
 */
const BIN = fileURLToPath(new URL('../../sim/cli/bin.js', import.meta.url));

export interface SimBenchRow {
  participants: number;
  runs: number;
  wallS: number;
  processWallS: number;
  eventsPerS: number;
  participantDaysPerS: number;
  drawsPerParticipantDay: number;
  peakRssMb: number;
  targetWallS: number;
  targetRssMb: number;
}

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

function runOnce(participants: number, workers: number): { perf: Perf; processWallS: number } {
  const out = mkdtempSync(join(tmpdir(), 'checkin-sim-bench-'));
  try {
    const started = performance.now();
    const result = spawnSync(process.execPath, [BIN, 'run', '--participants', String(participants), '--days', '30', '--workers', String(workers), '--out', out], { encoding: 'utf8' });
    const processWallS = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`run failed: ${result.stderr}`);
    return { perf: JSON.parse(readFileSync(join(out, 'perf.json'), 'utf8')) as Perf, processWallS };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export function runSimBench(options: { runs?: number; workers?: number } = {}): { rows: SimBenchRow[]; drawRate: ReturnType<typeof measureDrawRate> } {
  const runs = options.runs ?? 3;
  const workers = options.workers ?? 2;
  const rows = [
    { participants: 125_000, targetWallS: 5, targetRssMb: 1024 },
    { participants: 1_000_000, targetWallS: 40, targetRssMb: 3072 },
  ].map(({ participants, targetWallS, targetRssMb }) => {
    const samples = Array.from({ length: runs }, () => runOnce(participants, workers));
    const perf = samples.map((sample) => sample.perf);
    return {
      participants,
      runs,
      wallS: median(perf.map((p) => p.wallMs / 1000)),
      processWallS: median(samples.map((sample) => sample.processWallS)),
      eventsPerS: median(perf.map((p) => p.eventsPerSec)),
      participantDaysPerS: median(perf.map((p) => p.participantDays / (p.wallMs / 1000))),
      drawsPerParticipantDay: median(perf.map((p) => p.draws / p.participantDays)),
      peakRssMb: median(perf.map((p) => p.peakRssMb)),
      targetWallS,
      targetRssMb,
    };
  });
  return { rows, drawRate: measureDrawRate() };
}

export function formatSimBench(result: ReturnType<typeof runSimBench>): string {
  const { rows, drawRate } = result;
  const lines = [
    '## sim mode: baseline scenario × 30 days (medians)',
    '| participants | runs | run wall s | process wall s | events/s | participant-days/s | draws per participant-day | peak RSS MB | target |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (row) =>
        `| ${row.participants.toLocaleString('en-US')} | ${row.runs} | ${row.wallS.toFixed(2)} | ${row.processWallS.toFixed(2)} | ${Math.round(row.eventsPerS).toLocaleString('en-US')} | ${Math.round(row.participantDaysPerS).toLocaleString('en-US')} | ${row.drawsPerParticipantDay.toFixed(1)} | ${Math.round(row.peakRssMb)} | ≤ ${row.targetWallS} s, ≤ ${row.targetRssMb} MB: ${row.processWallS <= row.targetWallS && row.peakRssMb <= row.targetRssMb ? 'met' : 'MISSED'} |`,
    ),
    '',
    `PRNG (seedrandom alea), same process: raw ${(drawRate.aleaRawPerS / 1e6).toFixed(1)} M draws/s; through RandomStream ${(drawRate.streamPerS / 1e6).toFixed(1)} M draws/s.`,
    ...rows.map((row) => {
      const drawsPerS = row.drawsPerParticipantDay * row.participantDaysPerS;
      return `At ${row.participants.toLocaleString('en-US')}: the run consumes ${(drawsPerS / 1e6).toFixed(1)} M draws/s across its workers, ${((100 * drawsPerS) / drawRate.aleaRawPerS).toFixed(1)} % of one core's raw draw rate.`;
    }),
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${formatSimBench(runSimBench())}\n`);
}
