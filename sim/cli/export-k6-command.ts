import { join } from 'node:path';
import { Command } from 'commander';
import { loadScenario } from '../../scenarios/index.ts';
import { DAY_MS } from '../virtual-time.ts';
import { integerFlag, positiveNumberFlag } from '../../scenarios/common/flag-parsers.ts';
import { BASELINE_SCENARIO } from './run-command.ts';
import { DEFAULT_CHUNK_SIZE, writeExport } from '../load-export/write-export.ts';
import { REFERENCE_SERVER_FILE } from '../../scenarios/k6/lib/export-format.ts';

interface ExportFlags {
  participants?: number;
  days?: number;
  seed?: number;
  compression?: number;
  durationS: number;
  chunkSize: number;
  out?: string;
}

const count = (value: number) => value.toLocaleString('en-US');

/** `checkin-sim export-k6`: the scenario's schedule as files for the k6 scripts in scenarios/k6. */
export function exportK6Command(): Command {
  return new Command('export-k6')
    .description("write the scenario's check-in schedule (what a fault-free server would see), enrolment and window registrations for the k6 scripts in scenarios/k6")
    .argument('[scenario]', 'scenario file (YAML)', BASELINE_SCENARIO)
    .option('--out <dir>', 'folder to create; must be new or empty (default: out/<scenario>-seed<seed>-k6)')
    .option('--participants <n>', 'fleet size (overrides the scenario)', integerFlag(1))
    .option('--days <n>', 'length of the period in days (overrides the scenario)', integerFlag(1))
    .option('--seed <n>', 'seed of every random stream (overrides the scenario)', integerFlag(0))
    .option('--compression <factor>', 'virtual ms per wall ms of the k6 run (default: the period in --duration-s seconds)', positiveNumberFlag)
    .option('--duration-s <seconds>', 'wall seconds the period should take when --compression is not given', positiveNumberFlag, 60)
    .option('--chunk-size <n>', 'scheduled attempts per chunk file (one k6 SharedArray each)', integerFlag(1), DEFAULT_CHUNK_SIZE)
    .action((file: string, flags: ExportFlags) => {
      const overrides: Record<string, unknown> = {};
      if (flags.participants !== undefined) overrides.participants = flags.participants;
      if (flags.days !== undefined) overrides.days = flags.days;
      if (flags.seed !== undefined) overrides.seed = flags.seed;
      const scenario = loadScenario({ file, overrides });
      const compression = flags.compression ?? (scenario.days * DAY_MS) / (flags.durationS * 1000);
      const outDir = flags.out ?? join('out', `${scenario.name}-seed${scenario.seed}-k6`);
      const { manifest, files, bytes, outDir: written } = writeExport(scenario, { outDir, compression, chunkSize: flags.chunkSize });
      const peak = Math.max(...manifest.rateCurve.attempts.counts) / (manifest.rateCurve.attempts.bucketMs / 1000);
      process.stdout.write(
        [
          `export-k6 ${scenario.name}: ${count(manifest.counts.participants)} participants × ${scenario.days} days, seed ${scenario.seed}, ×${compression.toPrecision(6)}`,
          `  ${count(manifest.counts.attempts)} attempts in ${manifest.attempts.chunks.length} chunks, ${count(manifest.counts.windows)} windows in ${manifest.counts.registrationBatches} registrations, ${manifest.counts.enrolmentBatches} enrolment batches`,
          `  ${(manifest.durationMs / 1000).toFixed(1)} s of load, ${manifest.intendedRps.toFixed(1)} attempts/s on average, ${peak.toFixed(0)}/s at the peak; k6 VUs ${manifest.k6.preAllocatedVUs} pre-allocated, ${manifest.k6.maxVUs} at most`,
          `  ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB, in ${written}`,
          `  expectation: sim digest ${manifest.expectation.simDigest}${manifest.expectation.simRunMatches ? '' : ' (without the scenario\'s own server faults)'}`,
          `next: npx checkin-sim serve --port 8080 --config ${join(written, REFERENCE_SERVER_FILE)} --officer-token $TOKEN   (or a server of your own, its clock at ×${compression})`,
          `      k6 run -e EXPORT_DIR=${written} -e TARGET=http://127.0.0.1:8080 -e OFFICER_TOKEN=$TOKEN scenarios/k6/enrol.ts`,
          `      k6 run -e EXPORT_DIR=${written} -e TARGET=http://127.0.0.1:8080 -e OFFICER_TOKEN=$TOKEN scenarios/k6/checkin-load.ts`,
          `digest ${manifest.expectation.k6Digest}`,
          '',
        ].join('\n'),
      );
    });
}
