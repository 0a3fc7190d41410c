import type { RouteHandlerMethod } from 'fastify';
import type { FaultInjector } from './fault-injector.ts';

/**
 * The route handler, after the slow-database fault's delay when one is set: the handler is where a
 * store is reached, once the request is validated. Wrapping the handler, rather than adding a
 * preHandler hook, spares every request fastify's preHandler step (a runner and its closures) while
 * no such fault is set, which is nearly always; the fault can still be set at run time.
 */
export function withSlowDatabase(faults: FaultInjector, handler: RouteHandlerMethod): RouteHandlerMethod {
  return function delayed(this: ThisParameterType<RouteHandlerMethod>, request, reply) {
    const delay = faults.slowDatabase();
    return delay === undefined ? handler.call(this, request, reply) : delay.then(() => handler.call(this, request, reply));
  };
}
