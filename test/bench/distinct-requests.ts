import type autocannon from 'autocannon';

/**
 * Autocannon options under which every request sent is a different one. Autocannon gives each
 * connection the whole `requests` list from its start, so one shared list would send each check-in
 * once per connection, and all but the first would be cheap replays of an attempt already judged.
 * Here connection k sends requests k·n … k·n + n − 1 (n = `perConnection`), built before the run so
 * that the load generator does no more work per request than for a fixed one.
 */
export function distinctRequests(
  options: Omit<autocannon.Options, 'requests' | 'setupClient'> & { connections: number },
  perConnection: number,
  requestAt: (n: number) => autocannon.Request,
): autocannon.Options {
  let connection = 0;
  return {
    ...options,
    // Each connection builds this one-request list, then swaps in its own: a long list here would be built once per connection.
    requests: [{ method: 'GET', path: '/healthz' }],
    setupClient: (client) => {
      const first = connection++ * perConnection;
      client.setRequests(Array.from({ length: perConnection }, (_, offset) => requestAt(first + offset)));
    },
  };
}
