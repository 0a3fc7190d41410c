import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../../scenarios/index.ts';
import { writeSweepReport } from './sweep-report.ts';
import { gridFromScenario, gridPoints, parseGridFlag, type GridField, type GridPoint } from './grid.ts';
import { runSweep, type SweepRunOptions } from './run-sweep.ts';
import { SweepError } from './sweep-errors.ts';
import { addVerificationStudy, drawStudies } from '../verification/study-summary.ts';
import { sweepCsv, sweepJson, sweepRow, type SweepDocument } from './sweep-table.ts';

export interface SweepPlan {
  scenario: string;
  seed: number;
  grid: GridField[];
  points: GridPoint[];
}

/**
 * The points to run: the scenario file with the CLI's overrides, and the grid of the --grid flags,
 * or else the scenario's own `sweep.grid`. Every point is validated before anything runs.
 */
export function planSweep(file: string | undefined, overrides: Record<string, unknown>, gridFlags: readonly string[]): SweepPlan {
  const base = loadScenario({ file, overrides });
  const grid = gridFlags.length > 0 ? gridFlags.map(parseGridFlag) : gridFromScenario(base.sweep.grid);
  if (grid.length === 0) {
    throw new SweepError('SWP_ERR_NO_GRID', `expected --grid field=value,… or a sweep.grid in ${file ?? 'the scenario'}`);
  }
  return { scenario: base.name, seed: base.seed, grid, points: gridPoints(file, overrides, grid) };
}

export interface SweepOutcome {
  document: SweepDocument;
  wallMs: number;
  files: { json: string; csv: string; report: string; perf: string };
}

/** Runs a planned sweep and writes sweep.json, sweep.csv, report.html, perf.json and each point's summary. */
export async function runAndWriteSweep(plan: SweepPlan, outDir: string, options: SweepRunOptions): Promise<SweepOutcome> {
  const started = performance.now();
  // The verification study, one per distinct score model shared by the points (a threshold or policy grid draws one), in threads of its own beside the points'.
  let verificationMs = 0;
  const drawing = drawStudies(
    plan.points.map((point) => point.scenario),
    { workers: options.workers },
  ).then((studies) => {
    verificationMs = performance.now() - started;
    return studies;
  });
  // With workers, awaited together, so that a failure of either is reported and none is left unhandled;
  // with one, the study has run in this thread already and its time is its own.
  const [studies, fleet] = options.workers > 1 ? await Promise.all([drawing, runSweep(plan.points, options)]) : [await drawing, await runSweep(plan.points, options)];
  const results = fleet.map((result, index) => ({ ...result, summary: addVerificationStudy(plan.points[index]!.scenario, result.summary, studies) }));
  const rows = plan.points.map((point, index) => sweepRow(point, results[index]!.summary));
  const document: SweepDocument = { scenario: plan.scenario, seed: plan.seed, confidence: 0.95, grid: plan.grid, points: rows };

  mkdirSync(join(outDir, 'points'), { recursive: true });
  plan.points.forEach((point, index) => {
    const folder = join(outDir, 'points', pointFolder(point));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'summary.json'), `${JSON.stringify(results[index]!.summary, null, 2)}\n`);
  });
  const files = { json: join(outDir, 'sweep.json'), csv: join(outDir, 'sweep.csv'), report: '', perf: join(outDir, 'perf.json') };
  writeFileSync(files.json, sweepJson(document));
  writeFileSync(files.csv, sweepCsv(document));
  files.report = await writeSweepReport(outDir, {
    scenario: plan.scenario,
    seed: plan.seed,
    grid: plan.grid,
    points: plan.points.map((point, index) => ({
      row: rows[index]!,
      summary: results[index]!.summary,
      thresholds: { face: point.scenario.policy.faceThreshold, voice: point.scenario.policy.voiceThreshold },
    })),
  });
  const wallMs = performance.now() - started;
  const perf = { wallMs: Math.round(wallMs), verificationMs: Math.round(verificationMs), studies: studies.size, workers: Math.max(1, Math.min(options.workers, plan.points.length)), points: results.map((result, index) => ({ index, wallMs: Math.round(result.wallMs) })) };
  writeFileSync(files.perf, `${JSON.stringify(perf, null, 2)}\n`);
  return { document, wallMs, files };
}

/** `p03_faceThreshold=0.3_graceMinutes=15`: the point's number, then its values by short field name. */
function pointFolder(point: GridPoint): string {
  const values = Object.entries(point.values).map(([field, value]) => `${field.split('.').at(-1)}=${String(value).replace(/[^A-Za-z0-9.+-]/g, '-')}`);
  return [`p${String(point.index).padStart(2, '0')}`, ...values].join('_');
}

