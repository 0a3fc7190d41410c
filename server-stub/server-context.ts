import { randomBytes } from 'node:crypto';
import { CheckInService } from './checkin-service.ts';
import { createClock, createRetentionClock, type Clock } from './clock.ts';
import { FaultInjector } from './faults/fault-injector.ts';
import { ServerMetrics } from './metrics.ts';
import { createTokenSigner, type TokenSigner } from './tokens.ts';
import { openStore } from './store/open-store.ts';
import type { ServerOptions } from './options.ts';
import type { Store } from './store/store.ts';

/** Everything a server instance owns, built once from its resolved options. */
export interface ServerContext {
  readonly options: ServerOptions;
  /** The officer token in force: the configured one, or one made up at start. */
  readonly officerToken: string;
  readonly clock: Clock;
  readonly tokens: TokenSigner;
  readonly store: Store;
  readonly metrics: ServerMetrics;
  readonly faults: FaultInjector;
  readonly service: CheckInService;
}

export function createServerContext(options: ServerOptions, clock: Clock = createClock(options.clock)): ServerContext {
  const store = openStore(options);
  // Retention never counts from an earlier instant than the newest the store has seen (clock.ts).
  const retention = createRetentionClock(clock, store.beginRetentionEpoch(clock.now()));
  const metrics = new ServerMetrics(() => store.counts(), options.location, { retentionDays: options.personalData.retentionDays, retentionOffsetMs: retention.offset });
  const officerToken = options.officerToken ?? randomBytes(24).toString('base64url');
  const secret = options.tokenSecret === undefined ? store.tokenSecret() : Buffer.from(options.tokenSecret);
  const tokens = createTokenSigner(secret, officerToken, options.participantTokenTtlSeconds);
  const service = new CheckInService(store, clock, tokens, metrics, {
    policy: options.policy,
    locationPrecisionDeg: options.location.precisionDeg,
    locationRetentionDays: options.location.retentionDays,
    personalDataRetentionDays: options.personalData.retentionDays,
  }, retention);
  return {
    options,
    officerToken,
    clock,
    tokens,
    store,
    metrics,
    faults: new FaultInjector(options.faults, options.faultSeed, clock, metrics),
    service,
  };
}
