import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

/**
 * Autocannon runs in which every request sent is a different one, and none is sent twice however
 * fast the machine is.
 *
 * Autocannon gives each connection the whole `requests` list from its start and wraps around at its
 * end, so one shared list would send each check-in once per connection, and a list that ran out would
 * wrap into replays of attempts already judged (cheaper for the server: another route's figures).
 * Here each connection gets a list of its own, built before the run so that the load generator does
 * no more work per request than for a fixed one, and `maxConnectionRequests` stops a connection at
 * the end of its list instead of wrapping. A machine faster than the lists were sized for therefore
 * ends the phase early rather than failing it: the phase's rate is then its answers over the time
 * from its start to its last answer (autocannon's own per-second average would count the idle tail
 * of the last second), and `ranOut` counts the connections whose list was too short for the whole
 * duration.
 *
 * Request j of the run (0 ≤ j < listed) is built once by `requestAt(j)`. Connection c sends
 * j = c, c + connections, c + 2·connections, …: at any moment the connections send neighbouring
 * indices, so that (with j mapped to participants in turn) no two send for one participant at once.
 */
export interface DistinctRun {
  result: autocannon.Result;
  /** Answers per second, from the run's start to its last answer. */
  rps: number;
  /** The time that rate is over (ms): from the run's start to its last answer, or its whole duration. */
  elapsedMs: number;
  /** Requests listed over every connection: the most the run could send. */
  listed: number;
  /** Connections that were answered their whole list before `duration` (the run ended, or went on with fewer connections). */
  ranOut: number;
  /** CPU time of this process (autocannon's) from the moment every list was built to the run's end (µs). */
  loadGeneratorCpuUs: number;
}

export async function runDistinct(
  options: Omit<autocannon.Options, 'requests' | 'setupClient' | 'maxConnectionRequests' | 'amount'> & { connections: number },
  perConnection: number,
  requestAt: (j: number) => autocannon.Request,
): Promise<DistinctRun> {
  const { connections } = options;
  let connection = 0;
  let answers = 0;
  let lastAnswerAt = 0;
  let ranOut = 0;
  // Set once every list is built, as autocannon starts its duration timer then.
  let startedAt = performance.now();
  let cpuAtStart = process.cpuUsage();
  const result = await autocannon({
    ...options,
    maxConnectionRequests: perConnection,
    // Each connection builds this one-request list, then swaps in its own: a long list here would be built once per connection.
    requests: [{ method: 'GET', path: '/healthz' }],
    setupClient: (client) => {
      const own = connection++;
      client.setRequests(Array.from({ length: perConnection }, (_, position) => requestAt(position * connections + own)));
      if (own === connections - 1) {
        startedAt = performance.now();
        cpuAtStart = process.cpuUsage();
      }
      let answered = 0;
      client.on('response', () => {
        answers++;
        lastAnswerAt = performance.now();
        if (++answered === perConnection) ranOut++;
      });
    },
  });
  const cpu = process.cpuUsage(cpuAtStart);
  // Every list done: the run ended at its last answer; otherwise it lasted `duration` (with fewer connections once some ran out).
  const elapsedMs = ranOut === connections ? lastAnswerAt - startedAt : Math.max(Number(options.duration ?? 10) * 1000, lastAnswerAt - startedAt);
  return { result, rps: answers === 0 ? 0 : (answers * 1000) / elapsedMs, elapsedMs, listed: perConnection * connections, ranOut, loadGeneratorCpuUs: cpu.user + cpu.system };
}

/** Requests per connection for `seconds` at `rps` over `connections`, with `headroom` for a faster machine. */
export function perConnectionFor(rps: number, seconds: number, connections: number, headroom: number): number {
  return Math.max(1, Math.ceil((rps * seconds * headroom) / connections));
}
