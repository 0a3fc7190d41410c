import Table from 'cli-table3';
import type { Perf, Summary } from '../metrics/summary.ts';
import type { LoadSummary } from '../metrics/load-metrics.ts';

const percent = (rate: number | null) => (rate === null ? '—' : `${(100 * rate).toFixed(2)} %`);
const count = (value: number) => value.toLocaleString('en-US');

/** The summary as tables for a person reading a terminal. */
export function formatSummaryTables(summary: Summary, perf: Perf): string {
  const headline = new Table({ head: ['run', summary.scenario], style: { head: [], border: [], compact: true } });
  headline.push(
    ['mode / seed', `${summary.mode} / ${summary.seed}`],
    ['participants × days', `${count(summary.participants)} × ${summary.days}`],
    ['windows (complied / evaded / impostor)', `${count(summary.windows.total)} (${count(summary.windows.complied)} / ${count(summary.windows.evaded)} / ${count(summary.windows.impostor)})`],
    ['verdicts (verified / rejected / missed)', `${count(summary.verdicts.verified)} / ${count(summary.verdicts.rejected)} / ${count(summary.verdicts.missed)}`],
    ['false failures', `${count(summary.falseFailures.total)} (${percent(summary.falseFailures.rate)} of complied windows)`],
    ['people affected', `${count(summary.peopleAffected.count)} (${percent(summary.peopleAffected.share)})`],
    ['false accepts', `${count(summary.falseAccepts.total)} (${percent(summary.falseAccepts.rate)} of impostor windows)`],
    ['escalations (false)', `${count(summary.escalations.total)} (${count(summary.escalations.false)})`],
    ['absconders detected', `${count(summary.escalations.detected)} of ${count(summary.escalations.absconders)}`],
    ['detection delay p50 / p90', `${hours(summary.escalations.detectionDelayHours.p50)} / ${hours(summary.escalations.detectionDelayHours.p90)}`],
    ['burden: in-person visits / officer calls', `${count(summary.burden.inPersonVisits)} / ${count(summary.burden.officerCalls)}`],
    ['burden: hours lost', count(Math.round(summary.burden.minutesLost / 60))],
    ['wall time / events per second', `${(perf.wallMs / 1000).toFixed(2)} s / ${count(perf.eventsPerSec)} (${perf.workers} workers)`],
  );

  const causes = new Table({ head: ['false-failure cause', 'windows', 'share of false failures'], style: { head: [], border: [], compact: true } });
  Object.entries(summary.falseFailures.byCause)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .forEach(([cause, n]) => causes.push([cause, count(n), percent(n / Math.max(summary.falseFailures.total, 1))]));

  const segments = new Table({ head: ['segment', 'complied windows', 'false-failure rate'], style: { head: [], border: [], compact: true } });
  Object.entries(summary.falseFailures.bySegment)
    .filter(([name, figures]) => /^(tier|connectivity|modality|workShift):/.test(name) && figures.windows > 0)
    .forEach(([name, figures]) => segments.push([name, count(figures.windows), percent(figures.rate)]));

  return [headline.toString(), ...(summary.load ? [loadTable(summary.load)] : []), causes.toString(), segments.toString()].join('\n');
}

/** Drive and k6 runs: what the load did. */
function loadTable(load: LoadSummary): string {
  const table = new Table({ head: ['load', load.target], style: { head: [], border: [], compact: true } });
  const { latencyMs } = load;
  const errors = Object.entries(load.errors);
  table.push(
    ['compression', `×${count(load.compression)}`],
    ['requests (late)', `${count(load.requests)} (${count(load.late)} sent > their due instant + tolerance)`],
    ['intended / achieved rate', `${count(load.intendedRps)} / ${count(load.achievedRps)} req/s`],
    ['latency from intended send p50 / p90 / p99 / p99.9 / max', `${latencyMs.p50} / ${latencyMs.p90} / ${latencyMs.p99} / ${latencyMs.p999} / ${latencyMs.max} ms`],
    ['driver lag p99', `${load.driverLagMsP99} ms`],
    ['errors by kind', errors.length === 0 ? 'none' : errors.map(([kind, n]) => `${kind} ${count(n)}`).join(', ')],
    ...(load.aborted ? [['stopped early', load.aborted]] : []),
  );
  return table.toString();
}

function hours(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)} h`;
}
