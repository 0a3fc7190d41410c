import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { ServerError } from './errors.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ServerOptions } from './options.ts';

/**
 * What the server knows of its own load: written by the shedding hooks and the connection cap,
 * read by /readyz. The server is shedding while a limit is reached (requests in progress, event
 * loop), and for Retry-After seconds after it last shed a request or refused a connection: the
 * clients it told to come back later are told the same by the readiness probe.
 */
export class LoadState {
  /** API requests in progress: counted once their body has arrived, until their connection lets go of the answer. */
  inFlight = 0;
  private lastShedAt = Number.NEGATIVE_INFINITY;
  /** Set by `registerLoadShedding` once @fastify/under-pressure samples the event loop. */
  private pressure: () => string | undefined = () => undefined;

  constructor(private readonly settings: ServerOptions['overload']) {}

  /** A request was shed or a connection refused now. */
  shed(): void {
    this.lastShedAt = performance.now();
  }

  watchPressure(pressure: () => string | undefined): void {
    this.pressure = pressure;
  }

  /** Why the server sheds load now, or undefined when it does not. */
  sheddingReason(): string | undefined {
    const { maxInFlight, retryAfterSeconds } = this.settings;
    if (maxInFlight > 0 && this.inFlight >= maxInFlight) return `${this.inFlight} requests in progress, the limit`;
    const pressure = this.pressure();
    if (pressure !== undefined) return pressure;
    const since = performance.now() - this.lastShedAt;
    if (since < retryAfterSeconds * 1000) return `it shed a request or refused a connection ${Math.round(since)} ms ago`;
    return undefined;
  }
}

/**
 * Load shedding for the routes of the scope it is registered in: past a limit the server answers 503
 * with Retry-After at once instead of queueing without bound. Two limits: requests in progress
 * (counted here; catches a slow dependency) and event-loop delay or utilisation (@fastify/under-pressure;
 * catches a saturated CPU). Health routes live outside the scope and keep answering.
 *
 * A request counts as in progress only once its body has arrived (preValidation): a client that
 * sends headers and part of a body, then nothing, holds a connection until the request timeout but
 * no slot. Register the hooks that should run inside the slot (injected latency) after this.
 */
export async function registerLoadShedding(scope: FastifyInstance, settings: ServerOptions['overload'], metrics: ServerMetrics, load: LoadState): Promise<void> {
  const overloaded = (detail: string) => {
    metrics.shed.inc({ reason: 'overloaded' });
    load.shed();
    return new ServerError('SRV_ERR_OVERLOADED', `the server is overloaded (${detail}); retry after the Retry-After delay`, undefined, settings.retryAfterSeconds);
  };

  if (settings.maxInFlight > 0) {
    const release = () => load.inFlight--;
    scope.addHook('preValidation', (_request, reply, done) => {
      if (load.inFlight >= settings.maxInFlight) return done(overloaded(`${load.inFlight} requests in progress`));
      load.inFlight++;
      // 'close' follows every response, sent or cut short by the client, once: the slot is always given
      // back. `on`, as the response emits it once, spares a `once` wrapper per request.
      reply.raw.on('close', release);
      done();
    });
  }

  // The first samples measure start-up (loading, compiling schemas), not load: they shed nothing.
  let shedFrom = Infinity;
  scope.addHook('onReady', (done) => {
    shedFrom = performance.now() + 2 * settings.sampleIntervalMs;
    done();
  });
  // @fastify/under-pressure samples the event loop; the limits are checked here, in a hook of our own:
  // the plugin's hook reads the route's options on every request, a getter that builds them per call.
  await scope.register(underPressure, { sampleInterval: settings.sampleIntervalMs });
  const { maxEventLoopDelayMs, maxEventLoopUtilization } = settings;
  const pressure = (): string | undefined => {
    if (performance.now() < shedFrom) return undefined;
    const { eventLoopDelay, eventLoopUtilized } = scope.memoryUsage();
    if (maxEventLoopDelayMs > 0 && eventLoopDelay > maxEventLoopDelayMs) return `eventLoopDelay ${eventLoopDelay.toFixed(2)}`;
    if (maxEventLoopUtilization > 0 && eventLoopUtilized > maxEventLoopUtilization) return `eventLoopUtilization ${eventLoopUtilized.toFixed(2)}`;
    return undefined;
  };
  if (maxEventLoopDelayMs > 0 || maxEventLoopUtilization > 0) {
    scope.addHook('onRequest', (_request, _reply, done) => {
      const detail = pressure();
      done(detail === undefined ? undefined : overloaded(detail));
    });
  }
  load.watchPressure(() => (pressure() === undefined ? undefined : 'the event loop is past its delay or utilisation limit'));
}
