import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { integerFlag, positiveNumberFlag, urlFlag } from '../../scenarios/common/flag-parsers.ts';
import { ShardWorkers } from '../engine/shard-workers.ts';
import { DEFAULT_DRIVE_CONNECTIONS } from '../drive/default-connections.ts';
import { packageFile } from '../../scenarios/common/package-files.ts';
import type { RunFlags } from './run-scenario.ts';

export const BASELINE_SCENARIO = packageFile('scenarios/baseline.yaml');

export function runCommand(): Command {
  return new Command('run')
    .description('run a scenario: sim mode (in-process server, default) or drive mode (the fleet against a real server over HTTP)')
    .argument('[scenario]', 'scenario file (YAML)', BASELINE_SCENARIO)
    .option('--participants <n>', 'fleet size (overrides the scenario)', integerFlag(1))
    .option('--days <n>', 'length of the period in days (overrides the scenario)', integerFlag(1))
    .option('--seed <n>', 'seed of every random stream (overrides the scenario)', integerFlag(0))
    .addOption(new Option('--mode <mode>', 'sim: in-process server; drive: HTTP against a real server').choices(['sim', 'drive']).default('sim'))
    .addOption(new Option('--workers <n>', 'worker threads (sim mode)').argParser(integerFlag(1)).default(availableParallelism(), 'cores available'))
    .option('--out <dir>', 'output folder (default: out/<scenario>-seed<seed>[-drive])')
    .option('--events', 'also write the ordered event log, events.ndjson (sim mode)', false)
    .option('--compression <factor>', 'drive mode: virtual ms per wall ms (default: the period in --duration-s seconds)', positiveNumberFlag)
    .option('--duration-s <seconds>', 'drive mode: wall seconds the period should take when --compression is not given', positiveNumberFlag, 60)
    .option('--target <url>', 'drive mode: a compatible server to drive instead of starting the reference server in a child process', urlFlag)
    .option('--officer-token <token>', "drive mode with --target: the server's officer token (default: $CHECKIN_OFFICER_TOKEN)")
    .option('--connections <n>', 'drive mode: most HTTP connections open at once (an open model needs rate × latency of them)', integerFlag(1), DEFAULT_DRIVE_CONNECTIONS)
    .option('--request-timeout-ms <ms>', 'drive mode: client timeout of a request', integerFlag(1), 10_000)
    .option('--late-after-ms <ms>', 'drive mode: a request sent later than this after its due instant counts as late', integerFlag(0), 10)
    .option('--max-lag-ms <ms>', 'drive mode: stop when the driver stays this far behind its schedule for --max-lag-for-ms', integerFlag(1), 2_000)
    .option('--max-lag-for-ms <ms>', 'drive mode: how long the driver may stay more than --max-lag-ms behind before the run stops', integerFlag(1), 5_000)
    .option('--metrics-port <port>', "drive mode: serve the harness's Prometheus metrics (and /targets, the server to scrape) on this port; 0 picks a free one", integerFlag(0))
    .option('--metrics-host <host>', 'drive mode: interface of --metrics-port', '127.0.0.1')
    .option('--metrics-linger-s <seconds>', 'drive mode: keep --metrics-port up this long after the run, so the last counts get scraped', integerFlag(0), 0)
    .action(async (file: string, flags: RunFlags) => {
      // A sim run's shard workers boot (a thread each, then the engine's modules) while this thread loads
      // the run's own modules and reads the scenario, on a core that would otherwise wait.
      const shardWorkers = flags.mode === 'sim' && flags.workers > 1 ? new ShardWorkers(flags.workers) : undefined;
      try {
        const { runScenarioFile } = await import('./run-scenario.ts');
        await runScenarioFile(file, flags, shardWorkers);
      } finally {
        shardWorkers?.close();
      }
    });
}
