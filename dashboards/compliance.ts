import { bars, dashboard, rate, sel, stat, timeseries } from './panels.ts';

const FALSE_FAILURES = 'checkin_harness_false_failures_total';
const WINDOWS = 'checkin_harness_windows_total';

/** Compliance: verdicts, false failures by cause and escalations, from the harness's ground truth and the server's counts. */
export function complianceDashboard() {
  return dashboard({
    uid: 'checkin-compliance',
    title: 'checkin-sim / Compliance',
    description:
      'Window verdicts, false failures (people who complied but were recorded as missed or rejected) by cause, and escalations, live during a run. Ground truth comes from the harness; the server shows what it decided.',
    rows: [
      {
        title: 'False failures',
        panels: [
          timeseries({
            title: 'False failures by cause',
            description: 'Windows answered in good faith but recorded missed or rejected, per second, stacked by the stage that failed.',
            unit: 'short',
            stacked: true,
            queries: [{ expr: `sum by (cause) (${rate(FALSE_FAILURES)})`, legend: '{{cause}}' }],
          }),
          bars({
            title: 'False failures so far, by cause',
            description: 'Every false failure of the run so far, by cause.',
            queries: [{ expr: `sum by (cause) (${FALSE_FAILURES}${sel()})`, legend: '{{cause}}' }],
          }),
          timeseries({
            title: 'False-failure rate',
            description: 'False failures / windows with intent complied: over the rate interval, and over the run so far.',
            unit: 'percentunit',
            min: 0,
            queries: [
              { expr: `sum(${rate(FALSE_FAILURES)}) / sum(${rate(WINDOWS, 'intent="complied"')})`, legend: 'over the interval' },
              { expr: `sum(${FALSE_FAILURES}${sel()}) / sum(${WINDOWS}${sel('intent="complied"')})`, legend: 'run so far' },
            ],
          }),
          stat({
            title: 'Compliant windows closed so far',
            description: 'Windows with intent complied that have closed: the denominator of the false-failure rate.',
            unit: 'short',
            queries: [{ expr: `sum(${WINDOWS}${sel('intent="complied"')})`, legend: 'complied' }],
          }),
        ],
      },
      {
        title: 'Verdicts',
        panels: [
          timeseries({
            title: 'Window verdicts (harness)',
            description: 'Closed windows per second by verdict, as the harness recorded them.',
            unit: 'short',
            stacked: true,
            queries: [{ expr: `sum by (verdict) (${rate('checkin_harness_window_verdicts_total')})`, legend: '{{verdict}}' }],
          }),
          timeseries({
            title: 'Window verdicts (server)',
            description: 'Windows the server closed per second, by verdict and kind (scheduled, adhoc).',
            unit: 'short',
            stacked: true,
            queries: [{ expr: `sum by (verdict, kind) (${rate('checkin_window_verdicts_total')})`, legend: '{{verdict}} ({{kind}})' }],
          }),
          bars({
            title: 'Windows so far, by ground-truth intent',
            description: 'Closed windows by what the participant meant to do: complied, evaded (absconded), impostor.',
            span: 24,
            queries: [{ expr: `sum by (intent) (${WINDOWS}${sel()})`, legend: '{{intent}}' }],
          }),
        ],
      },
      {
        title: 'Escalations and burden',
        panels: [
          timeseries({
            title: 'Escalations so far',
            description: 'Participants escalated to an officer: all and false (not absconded) as the harness knows them, and as the server counted them.',
            unit: 'short',
            queries: [
              { expr: `sum(checkin_harness_escalations_total${sel()})`, legend: 'escalations (harness)' },
              { expr: `sum(checkin_harness_false_escalations_total${sel()})`, legend: 'false escalations' },
              { expr: `sum(checkin_escalations_total${sel()})`, legend: 'escalations (server)' },
            ],
          }),
          timeseries({
            title: 'Burden so far',
            description: 'In-person visits and officer calls forced by failed windows.',
            unit: 'short',
            queries: [
              { expr: `sum(checkin_harness_in_person_visits_total${sel()})`, legend: 'in-person visits' },
              { expr: `sum(checkin_harness_officer_calls_total${sel()})`, legend: 'officer calls' },
            ],
          }),
        ],
      },
    ],
  });
}
