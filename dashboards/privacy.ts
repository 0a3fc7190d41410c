import { JUDGEMENTS } from '../scenarios/vocabulary.ts';
import { dashboard, modalityIs, oneOf, rate, sel, stat, timeseries } from './panels.ts';

/**
 * Privacy: how much personal data the server holds (locations, personal records), how coarse the
 * locations are, how long each is kept and how much retention has deleted. Counts only: no series
 * carries a value of a record (server-stub/metrics.ts).
 */
export function privacyDashboard() {
  // Long on purpose: a dashboard is one declaration, its panels in the order they are shown.
  return dashboard({
    uid: 'checkin-privacy',
    title: 'checkin-sim / Privacy',
    description:
      'Personal data the server holds: location points (taken only with a selfie check-in, coarsened, deleted after the retention period) and synthetic personal records (enrolled with each participant, shown only to officers, deleted at the end of retention), against the retention and precision settings.',
    rows: [
      {
        title: 'Location held',
        panels: [
          timeseries({
            title: 'Location points held',
            description: 'Check-in locations the server holds now; it falls when points pass the retention period (virtual time).',
            unit: 'short',
            queries: [{ expr: `sum(checkin_location_points${sel()})`, legend: 'points held' }],
          }),
          timeseries({
            title: 'Location points per enrolled participant',
            description: 'Points held divided by participants enrolled.',
            unit: 'short',
            queries: [{ expr: `sum(checkin_location_points${sel()}) / sum(checkin_participants${sel()})`, legend: 'points per participant' }],
          }),
          timeseries({
            title: 'Locations taken',
            description: 'Judged selfie check-ins per second: the only requests that may carry a location.',
            unit: 'ops',
            span: 24,
            queries: [{ expr: `sum(${rate('checkin_attempts_total', `${modalityIs('face')},${oneOf('outcome', JUDGEMENTS)}`)})`, legend: 'selfies judged' }],
          }),
        ],
      },
      {
        title: 'Personal records',
        panels: [
          timeseries({
            title: 'Personal records held',
            description:
              'Synthetic personal records (name, date of birth, address, phone, office, case number) the server holds now. Drive mode and the k6 export enrol one with every participant; each is deleted once the retention period has passed since the participant\'s last window closed.',
            unit: 'short',
            queries: [
              { expr: `sum(checkin_personal_records${sel()})`, legend: 'records held' },
              { expr: `sum(checkin_participants${sel()})`, legend: 'participants enrolled' },
            ],
          }),
          timeseries({
            title: 'Personal data deleted at the end of retention',
            description: 'Deletions per second by kind: check-in locations and device models, personal records and time zones. None until a retention period has passed (retention-clock time).',
            unit: 'ops',
            queries: [{ expr: `sum by (kind) (${rate('checkin_personal_data_deleted_total')})`, legend: '{{kind}}' }],
          }),
        ],
      },
      {
        title: 'Settings',
        panels: [
          stat({
            span: 8,
            height: 4,
            title: 'Retention period',
            description: 'Locations and device models of check-ins older than this (retention clock) are deleted.',
            unit: 'd',
            queries: [{ expr: `max(checkin_location_retention_seconds${sel()}) / 86400`, legend: 'retention' }],
          }),
          stat({
            span: 8,
            height: 4,
            title: 'Location precision',
            description: 'Latitude and longitude are rounded to multiples of this many degrees before they are stored (0.01° ≈ 1 km).',
            unit: 'none',
            decimals: 4,
            queries: [{ expr: `max(checkin_location_precision_degrees${sel()})`, legend: 'degrees' }],
          }),
          stat({
            span: 8,
            height: 4,
            title: 'Points held now',
            description: 'The latest count of location points held.',
            unit: 'short',
            queries: [{ expr: `sum(checkin_location_points${sel()})`, legend: 'points' }],
          }),
          stat({
            span: 8,
            height: 4,
            title: 'Personal record retention',
            description: "A personal record and time zone are deleted this long after the participant's last window closes.",
            unit: 'd',
            queries: [{ expr: `max(checkin_personal_data_retention_seconds${sel()}) / 86400`, legend: 'retention' }],
          }),
          stat({
            span: 8,
            height: 4,
            title: 'Personal records deleted',
            description: 'Personal records retention has deleted since the server started.',
            unit: 'short',
            queries: [{ expr: `sum(checkin_personal_records_deleted_total${sel()})`, legend: 'deleted' }],
          }),
          stat({
            span: 8,
            height: 4,
            title: 'Retention clock ahead of virtual time',
            description:
              'Above 0 after a restart with an earlier clock start: retention goes on counting from the newest instant the store had seen, so a restart never keeps personal data longer.',
            unit: 's',
            queries: [{ expr: `max(checkin_retention_clock_offset_seconds${sel()})`, legend: 'offset' }],
          }),
        ],
      },
    ],
  });
}
