import { dashboard, quantile, rate, sel, stat, timeseries } from './panels.ts';

const LATENCY = 'checkin_harness_request_latency_seconds';
const LAG = 'checkin_harness_driver_lag_seconds';

/** The harness itself: is the driver keeping to its schedule, and what latency does it see from intended send? */
export function harnessDashboard() {
  // Long on purpose: a dashboard is one declaration, its panels in the order they are shown.
  return dashboard({
    uid: 'checkin-harness',
    title: 'checkin-sim / Harness',
    description:
      'The load driver: intended, sent and achieved request rates (open model), its lag behind the schedule, late requests, latency from the intended send instant, errors by kind.',
    rows: [
      {
        title: 'Rates',
        panels: [
          timeseries({
            title: 'Intended, sent and achieved rate',
            description: 'Requests per second whose intended instant passed (the schedule), that left the driver, and that were answered.',
            unit: 'reqps',
            queries: [
              { expr: `sum(${rate('checkin_harness_requests_intended_total')})`, legend: 'intended' },
              { expr: `sum(${rate('checkin_harness_requests_sent_total')})`, legend: 'sent' },
              { expr: `sum(${rate('checkin_harness_requests_completed_total')})`, legend: 'achieved' },
            ],
          }),
          timeseries({
            title: 'Backlog and in flight',
            description: 'Requests due but not yet sent (the driver behind), and sent but not yet answered.',
            unit: 'short',
            queries: [
              { expr: `sum(checkin_harness_requests_intended_total${sel()}) - sum(checkin_harness_requests_sent_total${sel()})`, legend: 'backlog' },
              { expr: `sum(checkin_harness_requests_in_flight${sel()})`, legend: 'in flight' },
            ],
          }),
          stat({
            title: 'Time compression',
            description: 'Virtual ms per wall ms of the run.',
            unit: 'none',
            span: 6,
            height: 4,
            queries: [{ expr: `max(checkin_harness_time_compression_ratio${sel()})`, legend: 'compression' }],
          }),
          stat({
            title: 'Requests so far',
            description: 'Sent, late (sent after --late-after-ms), and failed requests.',
            unit: 'short',
            span: 18,
            height: 4,
            queries: [
              { expr: `sum(checkin_harness_requests_sent_total${sel()})`, legend: 'sent' },
              { expr: `sum(checkin_harness_requests_late_total${sel()})`, legend: 'late' },
              { expr: `sum(checkin_harness_request_errors_total${sel()})`, legend: 'errors' },
            ],
          }),
        ],
      },
      {
        title: 'Driver lag and latency',
        panels: [
          timeseries({
            title: 'Driver lag',
            description: 'Actual send instant minus intended: p50 and p99. Lag means the driver, not the server, is the bottleneck.',
            unit: 's',
            queries: [
              { expr: quantile(0.5, LAG), legend: 'p50' },
              { expr: quantile(0.99, LAG), legend: 'p99' },
            ],
          }),
          timeseries({
            title: 'Late requests',
            description: 'Requests per second sent later than --late-after-ms after their intended instant, and their share of requests sent.',
            unit: 'reqps',
            queries: [
              { expr: `sum(${rate('checkin_harness_requests_late_total')})`, legend: 'late' },
              { expr: `sum(${rate('checkin_harness_requests_late_total')}) / sum(${rate('checkin_harness_requests_sent_total')})`, legend: 'late share' },
            ],
          }).overrideByName('late share', [{ id: 'unit', value: 'percentunit' }, { id: 'custom.axisPlacement', value: 'right' }]),
          timeseries({
            title: 'Latency from intended send',
            description: 'From the instant each request was meant to leave to its answer: p50, p90, p99, p99.9 (no coordinated omission).',
            unit: 's',
            queries: [0.5, 0.9, 0.99, 0.999].map((q) => ({ expr: quantile(q, LATENCY), legend: `p${Math.round(q * 1000) / 10}` })),
          }),
          timeseries({
            title: 'Errors by kind',
            description: 'Failed requests per second by kind: HTTP status and code, timeout, connection, window registration.',
            unit: 'reqps',
            stacked: true,
            queries: [{ expr: `sum by (kind) (${rate('checkin_harness_request_errors_total')})`, legend: '{{kind}}' }],
          }),
        ],
      },
      {
        title: 'Driver process',
        panels: [
          timeseries({
            title: 'Driver event-loop lag',
            description: 'Event-loop delay of the harness process: when it grows, sends leave late.',
            unit: 's',
            queries: [
              { expr: `max(checkin_harness_nodejs_eventloop_lag_p50_seconds${sel()})`, legend: 'p50' },
              { expr: `max(checkin_harness_nodejs_eventloop_lag_p99_seconds${sel()})`, legend: 'p99' },
            ],
          }),
          timeseries({
            title: 'Driver CPU',
            description: 'CPU seconds per second of the harness process (1 = one core busy).',
            unit: 'percentunit',
            queries: [{ expr: `sum(${rate('checkin_harness_process_cpu_seconds_total')})`, legend: 'CPU (cores)' }],
          }),
        ],
      },
    ],
  });
}
