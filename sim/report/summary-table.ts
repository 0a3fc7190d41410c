import Table from 'cli-table3';
import type { Perf, Summary } from '../metrics/summary.ts';
import type { LoadSummary } from '../metrics/load-metrics.ts';
import { CAUSE_CLASSES } from '../../scenarios/vocabulary.ts';
import { ALL_CAUSES, classOf, classRows } from './cause-classes.ts';

const percent = (rate: number | null) => (rate === null ? '—' : `${(100 * rate).toFixed(2)} %`);
const count = (value: number) => value.toLocaleString('en-US');

/** The summary as tables for a person reading a terminal. */
export function formatSummaryTables(summary: Summary, perf: Perf): string {
  const { falseFailures, escalations, burden, peopleAffected } = summary;
  const headline = new Table({ head: ['run', summary.scenario], style: { head: [], border: [], compact: true } });
  headline.push(
    ['mode / seed', `${summary.mode} / ${summary.seed}`],
    ['participants × days', `${count(summary.participants)} × ${summary.days}`],
    ['windows (complied / evaded / impostor)', `${count(summary.windows.total)} (${count(summary.windows.complied)} / ${count(summary.windows.evaded)} / ${count(summary.windows.impostor)})`],
    ['verdicts (verified / rejected / missed)', `${count(summary.verdicts.verified)} / ${count(summary.verdicts.rejected)} / ${count(summary.verdicts.missed)}`],
    // The system class leads: what the programme's technology did to people who acted in time.
    ...classRows(summary).map((row) => [`false failures, ${row.label}`, countAndRate(row.total, row.rate, 'complied windows')]),
    [`false failures, ${ALL_CAUSES}`, countAndRate(falseFailures.total, falseFailures.rate, 'complied windows')],
    [
      `people affected, system / ${ALL_CAUSES}`,
      `${count(peopleAffected.byClass.system.count)} (${percent(peopleAffected.byClass.system.share)}) / ${count(peopleAffected.count)} (${percent(peopleAffected.share)})`,
    ],
    ['false accepts', countAndRate(summary.falseAccepts.total, summary.falseAccepts.rate, 'impostor windows')],
    ['escalations (false)', `${count(escalations.total)} (${count(escalations.false)})`],
    [
      'escalation precision',
      `${percent(escalations.precision)}${escalations.total === 0 ? '' : ` (${count(escalations.total - escalations.false)} of ${count(escalations.total)} escalations were of absconders)`}`,
    ],
    ['absconders detected (of followed; not yet due)', `${count(escalations.detected)} of ${count(escalations.followed)} (${count(escalations.notYetDue)} not yet due)`],
    ['detection delay p50 / p90', `${hours(escalations.detectionDelayHours.p50)} / ${hours(escalations.detectionDelayHours.p90)}`],
    ['burden: in-person visits / officer calls', `${count(burden.inPersonVisits)} / ${count(burden.officerCalls)}`],
    ['burden: hours lost', count(Math.round(burden.minutesLost / 60))],
    ['burden: officer minutes / excused windows', `${count(burden.officerMinutes)} / ${count(burden.excusedWindows)}`],
    ['wall time / events per second', `${(perf.wallMs / 1000).toFixed(2)} s / ${count(perf.eventsPerSec)} (${perf.workers} workers)`],
  );

  // Grouped by class (system first), then by count within a class; causes of no known class last.
  const classRank = (cause: string) => {
    const causeClass = classOf(cause);
    return causeClass === undefined ? CAUSE_CLASSES.length : CAUSE_CLASSES.indexOf(causeClass);
  };
  const causes = new Table({ head: ['class', 'false-failure cause', 'windows', 'share of false failures'], style: { head: [], border: [], compact: true } });
  Object.entries(falseFailures.byCause)
    .filter(([, n]) => n > 0)
    .sort((a, b) => classRank(a[0]) - classRank(b[0]) || b[1] - a[1])
    .forEach(([cause, n]) => causes.push([classOf(cause) ?? '?', cause, count(n), percent(falseFailures.total === 0 ? null : n / falseFailures.total)]));

  const segments = new Table({ head: ['segment', 'complied windows', 'false-failure rate, system', `false-failure rate, ${ALL_CAUSES}`], style: { head: [], border: [], compact: true } });
  Object.entries(falseFailures.bySegment)
    .filter(([name, figures]) => /^(tier|connectivity|modality|workShift):/.test(name) && figures.windows > 0)
    .forEach(([name, figures]) => segments.push([name, count(figures.windows), percent(figures.byClass.system.rate), percent(figures.rate)]));

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

/** "12 (1.20 % of complied windows)", or "0 (—)" when the rate has nothing to divide by. */
function countAndRate(n: number, rate: number | null, of: string): string {
  return rate === null ? `${count(n)} (—)` : `${count(n)} (${percent(rate)} of ${of})`;
}

function hours(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)} h`;
}
