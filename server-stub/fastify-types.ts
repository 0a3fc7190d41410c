import type { Access } from './auth.ts';
import type { ServerContext } from './server-context.ts';
import type { FaultRoute } from './faults/fault-schema.ts';

/** What the server adds to fastify's types: route config it reads, and the decorated context. */
declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    faultRoute?: FaultRoute;
  }
  interface FastifyInstance {
    checkin: ServerContext;
  }
}
