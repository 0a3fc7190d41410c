import { JUDGEMENTS } from '../scenarios/vocabulary.ts';
import { bars, dashboard, quantile, rate, sel, timeseries } from './panels.ts';

const REQUESTS = 'checkin_http_request_duration_seconds';
/** The routes a participant's check-in goes through: selfies and calls. */
const CHECKIN_ROUTES = 'route=~"/v1/participants/:id/(checkins|calls)"';

/** Fleet load: what the reference server sees and how it holds up (its own /metrics, labelled with the run by the scrape). */
export function fleetLoadDashboard() {
  // Long on purpose: a dashboard is one declaration, its panels in the order they are shown.
  return dashboard({
    uid: 'checkin-fleet-load',
    title: 'checkin-sim / Fleet load',
    description: 'Request rate, latency percentiles from the server histograms, errors and saturation of the check-in server during a run.',
    rows: [
      {
        title: 'Throughput and latency',
        panels: [
          timeseries({
            title: 'Request rate by route',
            description: 'Requests per second the server answered, by route template.',
            unit: 'reqps',
            stacked: true,
            queries: [{ expr: `sum by (route) (${rate(`${REQUESTS}_count`)})`, legend: '{{route}}' }],
          }),
          timeseries({
            title: 'Check-in latency percentiles (server)',
            description: 'Time from request received to response sent for selfies and calls, from the server histogram (p50, p90, p99).',
            unit: 's',
            queries: [0.5, 0.9, 0.99].map((q) => ({ expr: quantile(q, REQUESTS, CHECKIN_ROUTES), legend: `p${q * 100}` })),
          }),
          timeseries({
            title: 'Check-in p99: server vs from intended send (harness)',
            description:
              'p99 as the server measures it, and as the harness measures it from the instant each request was meant to leave: the gap is queueing the server cannot see (no coordinated omission).',
            unit: 's',
            queries: [
              { expr: quantile(0.99, REQUESTS, CHECKIN_ROUTES), legend: 'server p99' },
              { expr: quantile(0.99, 'checkin_harness_request_latency_seconds'), legend: 'from intended send p99' },
            ],
          }),
          timeseries({
            title: 'p99 latency by route',
            description: 'p99 of every route, from the server histogram.',
            unit: 's',
            queries: [{ expr: quantile(0.99, REQUESTS, undefined, ['route']), legend: '{{route}}' }],
          }),
        ],
      },
      {
        title: 'Errors',
        panels: [
          timeseries({
            title: 'Responses by status',
            description: 'Responses per second by HTTP status code.',
            unit: 'reqps',
            stacked: true,
            queries: [{ expr: `sum by (status_code) (${rate(`${REQUESTS}_count`)})`, legend: '{{status_code}}' }],
          }),
          timeseries({
            title: 'Server error ratio (5xx)',
            description: 'Share of responses with a 5xx status (injected faults, outages, shedding).',
            unit: 'percentunit',
            min: 0,
            queries: [
              {
                expr: `(sum(${rate(`${REQUESTS}_count`, 'status_code=~"5.."')}) or on() vector(0)) / sum(${rate(`${REQUESTS}_count`)})`,
                legend: '5xx share',
              },
            ],
          }),
          timeseries({
            title: 'Check-in attempts by outcome',
            description: `Attempts per second by outcome: a judgement (${JUDGEMENTS.join(', ')}), replayed, or why none was made.`,
            unit: 'ops',
            stacked: true,
            queries: [{ expr: `sum by (outcome) (${rate('checkin_attempts_total')})`, legend: '{{outcome}}' }],
          }),
          bars({
            title: 'Faults injected so far, by kind',
            description: 'Faults the server injected (latency, error, outage, slow_database) since it started.',
            queries: [{ expr: `sum by (kind) (checkin_faults_injected_total${sel()})`, legend: '{{kind}}' }],
          }),
        ],
      },
      {
        title: 'Saturation',
        panels: [
          timeseries({
            title: 'Requests shed by reason',
            description: 'Requests refused with 503 (overloaded) or 429 (rate_limited) to protect the server.',
            unit: 'reqps',
            stacked: true,
            queries: [{ expr: `sum by (reason) (${rate('checkin_requests_shed_total')})`, legend: '{{reason}}' }],
          }),
          timeseries({
            title: 'Event-loop lag (server)',
            description: 'Delay of the server’s event loop (prom-client default metrics): p50, p99 and the latest sample.',
            unit: 's',
            queries: [
              { expr: `max(nodejs_eventloop_lag_p50_seconds${sel()})`, legend: 'p50' },
              { expr: `max(nodejs_eventloop_lag_p99_seconds${sel()})`, legend: 'p99' },
              { expr: `max(nodejs_eventloop_lag_seconds${sel()})`, legend: 'latest' },
            ],
          }),
          timeseries({
            title: 'CPU and memory (server process)',
            description: 'CPU seconds per second (1 = one core busy) and resident memory of the server process.',
            unit: 'percentunit',
            queries: [
              { expr: `sum(${rate('process_cpu_seconds_total')})`, legend: 'CPU (cores)' },
              { expr: `sum(process_resident_memory_bytes${sel()})`, legend: 'resident memory' },
            ],
          }).overrideByName('resident memory', [{ id: 'unit', value: 'bytes' }, { id: 'custom.axisPlacement', value: 'right' }]),
          timeseries({
            title: 'Open windows and enrolled participants',
            description: 'Windows registered and not yet closed, and participants enrolled, as the server counts them.',
            unit: 'short',
            queries: [
              { expr: `sum(checkin_windows_open${sel()})`, legend: 'open windows' },
              { expr: `sum(checkin_participants${sel()})`, legend: 'participants' },
            ],
          }),
        ],
      },
    ],
  });
}
