export { FaultsSchema, FAULT_ROUTES, type Faults, type FaultRoute } from './fault-schema.ts';
export { FaultInjector } from './fault-injector.ts';
