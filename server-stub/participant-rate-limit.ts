import type { FastifyInstance } from 'fastify';
import { ServerError } from './errors.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ServerOptions } from './options.ts';

type Settings = ServerOptions['rateLimit'];

/**
 * What the limits know of one participant: its rate window and its requests in progress; with a rate
 * limit, also its place in the recency ring (below).
 */
interface Traffic {
  readonly id: string;
  count: number;
  resetsAt: number;
  inProgress: number;
  older: Traffic | undefined;
  newer: Traffic | undefined;
}

/** On a response: the traffic entry whose slot it holds until it closes. */
const holder = Symbol('participant traffic');
type SlotHolder = { [holder]?: Traffic };

/**
 * The per-participant limits of the routes of the scope they are registered in, keyed by the
 * participant in the path, in one onRequest hook (each hook costs fastify a step of its own per
 * request): first the rate limit, then the concurrency cap, so that a request refused for its rate
 * takes no slot. They run after authentication, so nobody can spend another's allowance.
 *
 * Rate limit: at most `max` requests in a fixed window of `timeWindowMs` that starts at the
 * participant's first request. The least recently seen participants are forgotten past
 * `trackedParticipants`, except one with a request in progress, whose slot count must outlive it.
 * Synchronous rather than @fastify/rate-limit: that plugin's key, allow-list and store steps each
 * await a promise, which cost about 6 µs per check-in here (a twentieth of the route's cost).
 *
 * Concurrency cap: at most `maxConcurrent` requests of one participant in progress at once, counted
 * from their headers, before their body, until their connection lets go of the answer: a participant
 * that opens connections and stalls their bodies holds at most `maxConcurrent` of them in progress
 * (each cut off at the request timeout); the rest get 429 at once and their connection is closed.
 *
 * Both are counted in one entry per participant, found with one map lookup; the response carries
 * its entry, so giving the slot back looks nothing up and makes no closure per request.
 */
export function registerParticipantLimits(scope: FastifyInstance, settings: Settings, metrics: ServerMetrics): void {
  const { max, timeWindowMs, trackedParticipants, maxConcurrent } = settings;
  if (max === 0 && maxConcurrent === 0) return;
  // Without a rate limit, only participants with requests in progress are kept, in the map alone.
  const participants = new Map<string, Traffic>();
  // With one, every tracked participant also sits in a ring, least recently seen first: `ring.newer` is
  // the oldest, `ring.older` the newest, and the ring holds exactly the map's entries. Moving an entry
  // to the newest end is four links, where deleting and re-inserting it in the map (its order being
  // insertion order) cost two more hash lookups per request and a rehash now and then.
  const ring: Traffic = { id: '', count: 0, resetsAt: 0, inProgress: 0, older: undefined, newer: undefined };
  ring.older = ring;
  ring.newer = ring;
  const unlink = (traffic: Traffic): void => {
    traffic.older!.newer = traffic.newer;
    traffic.newer!.older = traffic.older;
  };
  const append = (traffic: Traffic): void => {
    traffic.older = ring.older;
    traffic.newer = ring;
    ring.older!.newer = traffic;
    ring.older = traffic;
  };

  const rateRefusal = (traffic: Traffic, now: number): ServerError | undefined => {
    if (++traffic.count <= max) return undefined;
    metrics.shed.inc({ reason: 'rate_limited' });
    const retryAfterSeconds = Math.max(1, Math.ceil((traffic.resetsAt - now) / 1000));
    return new ServerError(
      'SRV_ERR_RATE_LIMITED',
      `more than ${max} requests in ${timeWindowMs} ms for this participant; expected fewer, retry after ${retryAfterSeconds} s`,
      'params.id',
      retryAfterSeconds,
    );
  };

  const seen = (id: string, now: number): Traffic => {
    let traffic = participants.get(id);
    if (traffic === undefined) {
      traffic = { id, count: 0, resetsAt: now + timeWindowMs, inProgress: 0, older: undefined, newer: undefined };
      participants.set(id, traffic);
      append(traffic);
    } else {
      if (traffic.resetsAt <= now) {
        traffic.count = 0;
        traffic.resetsAt = now + timeWindowMs;
      }
      if (ring.older !== traffic) {
        unlink(traffic);
        append(traffic);
      }
    }
    // The participant asking now is never the one forgotten: past the others in progress, it stops the walk.
    while (participants.size > trackedParticipants) {
      const oldest = ring.newer!;
      if (oldest === traffic) break;
      unlink(oldest);
      if (oldest.inProgress > 0) append(oldest);
      else participants.delete(oldest.id);
    }
    return traffic;
  };

  const inProgressOf = (id: string): Traffic => {
    let traffic = participants.get(id);
    if (traffic === undefined) {
      traffic = { id, count: 0, resetsAt: 0, inProgress: 0, older: undefined, newer: undefined };
      participants.set(id, traffic);
    }
    return traffic;
  };

  // A response emits 'close' once, sent or cut short by the client.
  function release(this: SlotHolder): void {
    const traffic = this[holder]!;
    if (--traffic.inProgress === 0 && max === 0) participants.delete(traffic.id);
  }

  scope.addHook('onRequest', (request, reply, done) => {
    const id = (request.params as { id: string }).id;
    const now = performance.now();
    const traffic = max > 0 ? seen(id, now) : inProgressOf(id);
    if (max > 0) {
      const refusal = rateRefusal(traffic, now);
      if (refusal !== undefined) return done(refusal);
    }
    if (maxConcurrent > 0) {
      if (traffic.inProgress >= maxConcurrent) {
        metrics.shed.inc({ reason: 'concurrency_limited' });
        return done(
          new ServerError(
            'SRV_ERR_CONCURRENCY_LIMITED',
            `${traffic.inProgress} requests of this participant are in progress; expected at most ${maxConcurrent} at once, retry after the Retry-After delay`,
            'params.id',
            1,
          ),
        );
      }
      traffic.inProgress++;
      (reply.raw as SlotHolder)[holder] = traffic;
      reply.raw.on('close', release);
    }
    done();
  });
}
