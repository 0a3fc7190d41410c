import { CAUSE_CLASSES, type CauseClass } from '../scenarios/vocabulary.ts';
import { bars, classIs, dashboard, intentIs, oneOf, rate, sel, stat, timeseries } from './panels.ts';

const FALSE_FAILURES = 'checkin_harness_false_failures_total';
const WINDOWS = 'checkin_harness_windows_total';
const COMPLIED = intentIs('complied');
const SYSTEM = classIs('system');
/** The classes shown beside the system's: the person's phone, the schedule, the person. */
const OTHER_CLASSES = oneOf('class', CAUSE_CLASSES.filter((causeClass) => causeClass !== 'system'));

/** `numerator / compliant windows`, series by series (the numerator may be by class; the denominator is one number). */
const perCompliantWindow = (numerator: string, complied: string) => `${numerator} / on() group_left() ${complied}`;
const RUN_COMPLIED = `sum(${WINDOWS}${sel(COMPLIED)})`;
const INTERVAL_COMPLIED = `sum(${rate(WINDOWS, COMPLIED)})`;

/** What each class means (docs: scenarios/vocabulary.ts). */
const CLASS_MEANING = {
  system: "the programme's technology failed a person who acted in time (notification, network, app, upload, server, verification): the headline",
  device: "the person's phone could not be used",
  schedule: 'the window fell where the person could not answer',
  person: 'the person saw the prompt in time and did not answer in the window',
} as const satisfies Record<CauseClass, string>;
const CLASSES_DESCRIPTION = `Whose failure a false failure is: ${CAUSE_CLASSES.map((causeClass) => `${causeClass}, ${CLASS_MEANING[causeClass]}`).join('; ')}.`;

/** Compliance: verdicts, false failures by class and cause, and escalations, from the harness's ground truth and the server's counts. */
export function complianceDashboard() {
  // Long on purpose: a dashboard is one declaration, its panels in the order they are shown.
  return dashboard({
    uid: 'checkin-compliance',
    title: 'checkin-sim / Compliance',
    description:
      `Window verdicts, false failures (people who complied but were recorded as missed or rejected) by whose failure they were (${CAUSE_CLASSES.join(', ')}) and by cause, and escalations, live during a run. Ground truth comes from the harness; the server shows what it decided.`,
    rows: [
      {
        title: 'False failures',
        panels: [
          stat({
            title: 'System false-failure rate, and the other classes (run so far)',
            description: `False failures / windows with intent complied, over the run so far: the system class first, what the technology does to people who acted in time, then the other classes. ${CLASSES_DESCRIPTION}`,
            unit: 'percentunit',
            decimals: 2,
            queries: [
              { expr: perCompliantWindow(`sum by (class) (${FALSE_FAILURES}${sel(SYSTEM)})`, RUN_COMPLIED), legend: '{{class}}' },
              { expr: perCompliantWindow(`sum by (class) (${FALSE_FAILURES}${sel(OTHER_CLASSES)})`, RUN_COMPLIED), legend: '{{class}}' },
            ],
          }),
          timeseries({
            title: 'False-failure rate by class',
            description: `False failures / windows with intent complied over the rate interval, by class: system first, the others beside it. ${CLASSES_DESCRIPTION}`,
            unit: 'percentunit',
            min: 0,
            queries: [
              { expr: perCompliantWindow(`sum by (class) (${rate(FALSE_FAILURES, SYSTEM)})`, INTERVAL_COMPLIED), legend: '{{class}}' },
              { expr: perCompliantWindow(`sum by (class) (${rate(FALSE_FAILURES, OTHER_CLASSES)})`, INTERVAL_COMPLIED), legend: '{{class}}' },
            ],
          }).overrideByName('system', [{ id: 'custom.lineWidth', value: 3 }]),
          timeseries({
            title: 'False failures by cause',
            description: 'Windows answered in good faith but recorded missed or rejected, per second, stacked by cause (the stage that failed), each with its class.',
            unit: 'short',
            stacked: true,
            queries: [{ expr: `sum by (class, cause) (${rate(FALSE_FAILURES)})`, legend: '{{cause}} ({{class}})' }],
          }),
          bars({
            title: 'False failures so far, by cause',
            description: 'Every false failure of the run so far, by cause, each with its class.',
            queries: [{ expr: `sum by (class, cause) (${FALSE_FAILURES}${sel()})`, legend: '{{cause}} ({{class}})' }],
          }),
          timeseries({
            title: 'All-cause false-failure rate',
            description:
              'False failures of every class together / windows with intent complied, over the rate interval and over the run so far: the share of good-faith windows recorded as failed, whoever\'s failure it was. It is not the technology\'s failure rate, which is the system class alone: it also counts dead phones, windows placed while people sleep and prompts seen and left unanswered.',
            unit: 'percentunit',
            min: 0,
            queries: [
              { expr: `sum(${rate(FALSE_FAILURES)}) / ${INTERVAL_COMPLIED}`, legend: 'all classes, over the interval' },
              { expr: `sum(${FALSE_FAILURES}${sel()}) / ${RUN_COMPLIED}`, legend: 'all classes, run so far' },
            ],
          }),
          stat({
            title: 'Compliant windows closed so far',
            description: 'Windows with intent complied that have closed: the denominator of the false-failure rates.',
            unit: 'short',
            queries: [{ expr: RUN_COMPLIED, legend: 'complied' }],
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
