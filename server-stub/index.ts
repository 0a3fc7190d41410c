export { buildServer, type BuildDependencies } from './build-server.ts';
export { startServer, type RunningServer } from './start-server.ts';
export { serveCommand } from './serve-command.ts';
export { resolveOptions, ServerOptionsSchema, type ServerOptions, type ServerOptionsInput } from './options.ts';
export { SERVER_ERRORS, ServerError, type ServerErrorCode, type ErrorBody } from './errors.ts';
export { FaultsSchema, FAULT_ROUTES, type Faults, type FaultRoute } from './faults/index.ts';
export type { Store } from './store/store.ts';
