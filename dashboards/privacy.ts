import { JUDGEMENTS } from '../scenarios/vocabulary.ts';
import { dashboard, modalityIs, oneOf, rate, sel, stat, timeseries } from './panels.ts';

/** Privacy: how much location the server holds, how coarse it is, and for how long it keeps it. */
export function privacyDashboard() {
  return dashboard({
    uid: 'checkin-privacy',
    title: 'checkin-sim / Privacy',
    description:
      'Location points the server holds (taken only with a selfie check-in, coarsened, deleted after the retention period), against its retention and precision settings.',
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
        title: 'Settings',
        panels: [
          stat({
            span: 8,
            height: 4,
            title: 'Retention period',
            description: 'Locations older than this (virtual time) are deleted.',
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
        ],
      },
    ],
  });
}
