import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ServerError } from './errors.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ServerOptions } from './options.ts';

/**
 * Load shedding for the routes of the scope it is registered in: past a limit the server answers 503
 * with Retry-After at once instead of queueing without bound. Two limits: requests in progress
 * (counted here; catches a slow dependency) and event-loop delay or utilisation (@fastify/under-pressure;
 * catches a saturated CPU). Health routes live outside the scope and keep answering.
 */
export async function registerLoadShedding(scope: FastifyInstance, settings: ServerOptions['overload'], metrics: ServerMetrics): Promise<void> {
  const overloaded = (detail: string) => {
    metrics.shed.inc({ reason: 'overloaded' });
    return new ServerError('SRV_ERR_OVERLOADED', `the server is overloaded (${detail}); retry after the Retry-After delay`, undefined, settings.retryAfterSeconds);
  };

  if (settings.maxInFlight > 0) {
    const counted = Symbol('counted in flight');
    type Counted = FastifyRequest & { [counted]?: boolean };
    let inFlight = 0;
    const release = (request: Counted, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (request[counted] === true) {
        request[counted] = false;
        inFlight--;
      }
      done();
    };
    scope.addHook('onRequest', (request: Counted, _reply, done) => {
      if (inFlight >= settings.maxInFlight) return done(overloaded(`${inFlight} requests in progress`));
      inFlight++;
      request[counted] = true;
      done();
    });
    scope.addHook('onResponse', release);
    scope.addHook('onRequestAbort', (request: Counted, done) => release(request, undefined as never, done));
  }

  // The first samples measure start-up (loading, compiling schemas), not load: they shed nothing.
  let shedFrom = Infinity;
  scope.addHook('onReady', (done) => {
    shedFrom = performance.now() + 2 * settings.sampleIntervalMs;
    done();
  });
  await scope.register(underPressure, {
    maxEventLoopDelay: settings.maxEventLoopDelayMs,
    maxEventLoopUtilization: settings.maxEventLoopUtilization,
    sampleInterval: settings.sampleIntervalMs,
    pressureHandler: (_request, _reply, type, value) =>
      performance.now() < shedFrom ? undefined : Promise.reject(overloaded(`${type} ${typeof value === 'number' ? value.toFixed(2) : ''}`.trim())),
  });
}
