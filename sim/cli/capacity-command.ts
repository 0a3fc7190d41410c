import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import Table from 'cli-table3';
import { loadScenario } from '../../scenarios/index.ts';
import { findCapacity, type CapacityStep } from '../drive/capacity.ts';
import { BASELINE_SCENARIO } from './run-command.ts';
import { CliError } from './cli-errors.ts';
import { integerFlag, positiveNumberFlag, urlFlag } from '../../scenarios/common/flag-parsers.ts';

interface CapacityFlags {
  sloP99: number;
  maxErrors: number;
  participants?: number;
  stepS: number;
  startRps: number;
  growth: number;
  maxSteps: number;
  target?: string;
  officerToken?: string;
  out?: string;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');

export function capacityCommand(): Command {
  return new Command('capacity')
    .description('step the arrival rate up until the SLO breaks, and give the largest fleet the server carries, in participants and requests per second')
    .argument('[scenario]', 'scenario file (YAML); its schedule sets the peak rate per participant', BASELINE_SCENARIO)
    .requiredOption('--slo-p99 <ms>', 'latency SLO: p99 from the intended send instant, in ms', positiveNumberFlag)
    .requiredOption('--max-errors <ratio>', 'error SLO: largest share of requests that may fail (0..1)', ratioFlag)
    .option('--participants <n>', 'participants enrolled and driven at each step (default: the scenario, at most 20,000)', integerFlag(1))
    .option('--step-s <seconds>', 'wall seconds each step drives', positiveNumberFlag, 8)
    .option('--start-rps <rps>', 'request rate of the first step', positiveNumberFlag, 200)
    .option('--growth <factor>', 'rate multiplier between steps', positiveNumberFlag, 1.5)
    .option('--max-steps <n>', 'most steps', integerFlag(1), 14)
    .option('--target <url>', 'a compatible server to measure instead of the reference server in a child process (its clock must follow each step: use the reference server)', urlFlag)
    .option('--officer-token <token>', "with --target: the server's officer token (default: $CHECKIN_OFFICER_TOKEN)")
    .option('--out <dir>', 'output folder (default: out/<scenario>-capacity)')
    .action(async (file: string, flags: CapacityFlags) => {
      if (flags.growth <= 1) throw new CliError('CLI_ERR_INVALID_FLAG', `--growth: expected a number > 1, got ${flags.growth}`);
      const scenario = loadScenario({ file });
      const officerToken = flags.officerToken ?? process.env.CHECKIN_OFFICER_TOKEN;
      if (flags.target !== undefined && officerToken === undefined) {
        throw new CliError('CLI_ERR_USAGE', "--officer-token: expected the target server's officer token with --target (or $CHECKIN_OFFICER_TOKEN)");
      }
      const outDir = flags.out ?? join('out', `${scenario.name}-capacity`);
      mkdirSync(outDir, { recursive: true });
      const participants = flags.participants ?? Math.min(scenario.participants, 20_000);
      process.stderr.write(`capacity of ${scenario.name}: SLO p99 ≤ ${flags.sloP99} ms, errors ≤ ${(100 * flags.maxErrors).toFixed(2)} %; driving ${count(participants)} participants per step\n`);
      const result = await findCapacity(scenario, {
        sloP99Ms: flags.sloP99,
        maxErrorRatio: flags.maxErrors,
        stepSeconds: flags.stepS,
        startRps: flags.startRps,
        growth: flags.growth,
        maxSteps: flags.maxSteps,
        participants,
        drive: {
          connections: 1024,
          requestTimeoutMs: 10_000,
          lateAfterMs: 10,
          maxLagMs: 2_000,
          maxLagForMs: 3_000,
          ...(flags.target !== undefined && { target: { url: flags.target, officerToken: officerToken! } }),
        },
        onStep: (step, index) => process.stderr.write(`step ${index + 1}: ${describeStep(step)}\n`),
      });
      writeFileSync(join(outDir, 'capacity.json'), `${JSON.stringify(result, null, 2)}\n`);

      const table = new Table({
        head: ['step', 'compression', 'intended req/s', 'achieved req/s', 'peak second req/s', 'p50 / p90 / p99 / p99.9 ms', 'errors', 'SLO'],
        style: { head: [], border: [], compact: true },
      });
      result.steps.forEach((step, index) =>
        table.push([
          index + 1,
          count(step.compression),
          count(step.intendedRps),
          count(step.achievedRps),
          `${count(step.peakSecondRps)} (due ${count(step.peakSecondIntendedRps)})`,
          [step.latencyMs.p50, step.latencyMs.p90, step.latencyMs.p99, step.latencyMs.p999].map((ms) => ms.toFixed(1)).join(' / '),
          describeErrors(step),
          step.held ? 'held' : `broke: ${step.broke}`,
        ]),
      );
      const peakPerMillion = result.peak.perParticipantRps * 1e6;
      const lines = [
        table.toString(),
        `peak of the schedule: ${peakPerMillion.toFixed(1)} req/s per million participants (busiest ${result.peak.binMinutes} virtual minutes)`,
        result.maxRpsHeld === 0
          ? 'no step held the SLO: lower --start-rps'
          : `capacity: ${count(result.maxRpsHeld)} req/s within the SLO = a fleet of ${count(result.maxParticipants)} participants at real time`,
        ...(result.confirmation
          ? [`confirmation (${count(participants)} participants at compression ${count(result.confirmation.compression)}, the same request rate, ${2 * flags.stepS} s): ${describeStep(result.confirmation)}`]
          : []),
        `capacity: ${join(outDir, 'capacity.json')}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function describeStep(step: CapacityStep): string {
  return `${count(step.intendedRps)} req/s intended, ${count(step.achievedRps)} achieved, p99 ${step.p99Ms.toFixed(1)} ms, errors ${(100 * step.errorRatio).toFixed(2)} % — ${step.held ? 'held' : `broke (${step.broke})`}`;
}

/** `0.00 %`, or the ratio and each kind's count: `2.10 % (http_503_overloaded 40, timeout 2)`. */
function describeErrors(step: CapacityStep): string {
  const kinds = Object.entries(step.errors)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, n]) => `${kind} ${count(n)}`);
  return `${(100 * step.errorRatio).toFixed(2)} %${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`;
}

function ratioFlag(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new CliError('CLI_ERR_INVALID_FLAG', `--max-errors: expected a ratio in 0..1, got "${value}"`);
  return parsed;
}
