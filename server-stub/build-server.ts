import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { apiSchemas } from './api-schemas.ts';
import { authenticate } from './auth.ts';
import { capConnections, clientErrorHandler, httpServerOptions } from './connections.ts';
import { frameworkErrors, formatSchemaErrors, installErrorHandlers } from './error-handler.ts';
import { startHousekeeping } from './housekeeping.ts';
import { resolveOptions, type ServerOptionsInput } from './options.ts';
import { LoadState, registerLoadShedding } from './overload.ts';
import { registerParticipantLimits } from './participant-rate-limit.ts';
import type { Clock } from './clock.ts';
import { createServerContext } from './server-context.ts';
import { adminRoutes } from './routes/admin.ts';
import { checkInRoutes } from './routes/checkins.ts';
import { healthRoutes } from './routes/health.ts';
import { participantRoutes } from './routes/participants.ts';
import { closeDueBodyOptional, windowRoutes } from './routes/windows.ts';
import { withSlowDatabase } from './faults/slow-database.ts';
import './fastify-types.ts';

export interface BuildDependencies {
  /** Where logs go when logLevel is not silent (stdout otherwise); tests pass a capture stream. */
  logStream?: { write(line: string): void };
  /** The virtual clock, instead of one made from `clock` in the options: tests of retention move it by hand. */
  clock?: Clock;
}

// Logs never carry samples, templates, locations or personal records: bodies are not logged, and these paths are censored anyway.
const REDACTED = ['req.body', 'body', '*.sample', '*.template', '*.voiceTemplate', '*.location', 'personalRecord', '*.personalRecord', '*.*.personalRecord', '*.participants[*].personalRecord', '*.device', '*.timeZone'];

/**
 * The reference check-in server as a fastify app that never listens by itself: tests call
 * `app.inject()`, start-server.ts listens. Options are validated and frozen here; the store opens
 * here and closes with the app.
 */
export function buildServer(input: ServerOptionsInput = {}, dependencies: BuildDependencies = {}): FastifyInstance {
  // Long on purpose: the hooks and plugins in the order fastify runs them, which is what they mean.
  const options = resolveOptions(input);
  const context = createServerContext(options, dependencies.clock);
  const logger: FastifyServerOptions['logger'] =
    options.logLevel === 'silent' ? false : { level: options.logLevel, redact: REDACTED, ...(dependencies.logStream ? { stream: dependencies.logStream } : {}) };
  const load = new LoadState(options.overload);
  const app = Fastify({
    logger,
    bodyLimit: options.bodyLimitBytes,
    // Requests that arrive while closing get 503 SRV_ERR_SHUTTING_DOWN from error-handler.ts, not fastify's own body.
    return503OnClosing: false,
    // Timeouts (see connections.ts): fastify sets these two on Node's server itself, the rest go through `http`.
    requestTimeout: options.http.requestTimeoutMs,
    keepAliveTimeout: options.http.keepAliveTimeoutMs,
    // A request without Host gets the contract's 400 from error-handler.ts instead of Node's empty one.
    http: { ...httpServerOptions(options.http), requireHostHeader: false },
    clientErrorHandler: clientErrorHandler(options.http, context.metrics),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    schemaErrorFormatter: formatSchemaErrors,
    frameworkErrors,
  });
  app.decorate('checkin', context);
  capConnections(app.server, options.http, context.metrics, () => load.shed());
  app.removeContentTypeParser('text/plain');
  installErrorHandlers(app);
  // No response leaves before the writes it reports on are durable (see store/group-commit.ts). The
  // memory store has no writes to wait for, and its answers skip the hook, a step of fastify's per answer.
  if (context.store.kind !== 'memory') {
    app.addHook('onSend', (_request, _reply, payload, done) => {
      const flushed = context.store.flush();
      if (flushed === undefined) return done(null, payload);
      flushed.then(() => done(null, payload), done);
    });
  }
  app.addHook('onResponse', (request, reply, done) => {
    context.metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  let housekeeping: ReturnType<typeof startHousekeeping> | undefined;
  if (options.housekeepingIntervalMs > 0) {
    app.addHook('onReady', (done) => {
      housekeeping = startHousekeeping(context.service, options.housekeepingIntervalMs, app.log);
      done();
    });
  }
  app.addHook('onClose', async () => {
    await housekeeping?.stop();
    context.store.close();
  });

  const schemas = apiSchemas({ dimension: options.dimension, bulkMaxParticipants: options.bulk.maxParticipants, bulkMaxWindows: options.bulk.maxWindows });
  const checkToken = authenticate(context.tokens);

  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'checkin-sim reference check-in server',
        version: '1',
        description: 'Synthetic participants only. Errors are { code, message, field? } with codes SRV_ERR_* (server-stub/README.md).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transformObject: closeDueBodyOptional,
  });
  app.register(healthRoutes, { load });
  app.register(
    async (admin) => {
      admin.addHook('onRequest', checkToken);
      await admin.register(adminRoutes(schemas));
    },
    { prefix: '/v1' },
  );
  app.register(
    async (api) => {
      // Event-loop shedding and the token check run on the headers alone; a request takes an in-flight
      // slot once its body has arrived, and injected faults (outage, latency, error) happen inside that
      // slot, as a slow server's work would.
      await registerLoadShedding(api, options.overload, context.metrics, load);
      api.addHook('onRequest', checkToken);
      api.addHook('preValidation', (request, _reply, done) => {
        // Without faults set, the route's options (a getter that builds them per call) are not read.
        if (!context.faults.routeFaultsSet) return done();
        const route = request.routeOptions.config.faultRoute;
        if (route === undefined) return done();
        context.faults.beforeRoute(route).then(() => done(), done);
      });
      api.addHook('onRoute', (route) => {
        route.handler = withSlowDatabase(context.faults, route.handler);
      });
      await api.register(participantRoutes(schemas));
      await api.register(windowRoutes(schemas));
      await api.register(async (participantScope) => {
        registerParticipantLimits(participantScope, options.rateLimit, context.metrics);
        await participantScope.register(checkInRoutes(schemas, options.dimension));
      });
    },
    { prefix: '/v1' },
  );
  return app;
}
