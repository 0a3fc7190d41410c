import { Type, type Static } from '@sinclair/typebox';
import { section } from '../../scenarios/common/schema-section.ts';

/** The API routes a fault can target, by the name each route declares in its config. */
const FAULT_ROUTES = ['enrol', 'enrolBulk', 'openWindow', 'openWindowsBulk', 'openPrompts', 'checkin', 'call', 'status', 'history', 'closeDue'] as const;
export type FaultRoute = (typeof FAULT_ROUTES)[number];

const milliseconds = (description: string) => Type.Integer({ minimum: 0, maximum: 600_000, default: 0, description });

const probability = (route: string) =>
  Type.Number({ minimum: 0, maximum: 1, default: 0, description: `chance that a ${route} request fails with SRV_ERR_INJECTED_FAULT` });

const Outage = Type.Object(
  {
    fromMs: Type.Integer({ minimum: 0, description: 'virtual time the outage starts, in ms' }),
    toMs: Type.Integer({ minimum: 0, description: 'virtual time the outage ends, in ms (exclusive)' }),
  },
  { additionalProperties: false },
);

/**
 * Injected faults of the API routes (/v1, admin excluded). Set at start (options or a faults file) and
 * replaced whole by PUT /v1/admin/faults; every field has a default, so `{}` means no faults.
 */
export const FaultsSchema = Type.Object(
  {
    latency: section('latency added before each API request: fixed plus a uniform jitter', {
      fixedMs: milliseconds('added to every request, in ms'),
      jitterMs: milliseconds('uniform extra in [0, jitterMs), in ms'),
    }),
    errorRate: section(
      'chance per request that a route fails with a 500',
      Object.fromEntries(FAULT_ROUTES.map((route) => [route, probability(route)])) as Record<FaultRoute, ReturnType<typeof probability>>,
    ),
    outages: Type.Array(Outage, { default: [], maxItems: 1000, description: 'spans of virtual time in which every API request gets a 503' }),
    slowDatabase: section('delay added to each store access', {
      delayMs: milliseconds('added to each store access, in ms'),
      jitterMs: milliseconds('uniform extra in [0, jitterMs), in ms'),
      blocking: Type.Boolean({ default: false, description: 'hold the event loop for the delay, as a synchronous driver on a slow disk would; otherwise wait asynchronously' }),
    }),
  },
  { additionalProperties: false, default: {} },
);

export type Faults = Static<typeof FaultsSchema>;
