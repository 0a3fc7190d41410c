import { Ajv } from 'ajv';
import { Type, type Static } from '@sinclair/typebox';
import { deepFreeze } from '../scenarios/common/deep-freeze.ts';
import { section } from '../scenarios/common/schema-section.ts';
import { ScenarioSchema } from '../scenarios/schema.ts';
import { FaultsSchema } from './faults/fault-schema.ts';
import { ServerError } from './errors.ts';
import { describeSchemaError } from '../scenarios/common/schema-issues.ts';

/** A string enum as plain JSON Schema (`enum`), whose errors list the allowed values. */
export const stringEnum = <const T extends string>(values: readonly T[], options: { default?: NoInfer<T>; description: string }) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

const DAY_SECONDS = 86_400;

/**
 * The server's options: one schema, validated once by `resolveOptions`, defaults filled from here,
 * then frozen. The verdict policy is the scenario file's own `policy` section, so a server started
 * with a scenario's policy judges exactly as sim mode does.
 */
const ServerOptionsSchema = Type.Object(
  {
    policy: ScenarioSchema.properties.policy,
    dimension: Type.Integer({ minimum: 3, maximum: 4096, default: 128, description: 'length of templates and samples' }),
    officerToken: Type.Optional(
      Type.String({ minLength: 16, maxLength: 256, pattern: '^[\\x21-\\x7e]+$', description: 'bearer token of officers and admins; random when absent' }),
    ),
    tokenSecret: Type.Optional(
      Type.String({ minLength: 32, maxLength: 1024, description: 'HMAC key of participant tokens; when absent the store keeps one (a database keeps it across restarts)' }),
    ),
    participantTokenTtlSeconds: Type.Integer({ minimum: 1, maximum: 10 * 365 * DAY_SECONDS, default: 90 * DAY_SECONDS, description: 'life of a participant token, in wall-clock seconds' }),
    db: Type.Optional(Type.String({ minLength: 1, description: 'SQLite file (WAL); in-memory store when absent' })),
    dbSynchronous: stringEnum(['normal', 'full'] as const, {
      default: 'normal',
      description: "SQLite synchronous mode: 'normal' survives a killed process, 'full' also a power cut, at the cost of an fsync per commit",
    }),
    clock: section('virtual = startMs + (wall - wall at start) × factor', {
      factor: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000, default: 1, description: 'virtual ms per wall ms' }),
      startMs: Type.Optional(Type.Integer({ minimum: 0, description: 'virtual time at start, in ms; the wall clock (Unix ms) when absent' })),
    }),
    location: section('what is kept of a check-in location', {
      precisionDeg: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.01, description: 'latitude and longitude are rounded to multiples of this (0.01° ≈ 1 km)' }),
      retentionDays: Type.Number({
        exclusiveMinimum: 0,
        maximum: 3650,
        default: 30,
        description: "locations and device models of check-ins older than this, in days of the retention clock (virtual time, never wound back by a restart), are deleted",
      }),
    }),
    personalData: section("what is kept of a participant's personal record and time zone", {
      retentionDays: Type.Number({
        exclusiveMinimum: 0,
        maximum: 3650,
        default: 30,
        description: "a participant's personal record and time zone are deleted this many days of the retention clock after the participant's last window closes (after enrolment when no window was opened since)",
      }),
    }),
    housekeepingIntervalMs: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 1000, description: 'wall ms between closing due windows and deleting expired locations; 0 = only on request' }),
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 128 * 1024, description: 'largest body of a single request' }),
    bulk: section('bulk enrolment', {
      maxParticipants: Type.Integer({ minimum: 1, maximum: 100_000, default: 2000, description: 'participants per bulk enrolment' }),
      maxWindows: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000, description: 'windows per bulk window request' }),
      bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024, default: 64 * 1024 * 1024, description: 'largest body of a bulk request' }),
    }),
    rateLimit: section('per-participant rate limit of the participant routes', {
      max: Type.Integer({ minimum: 0, default: 120, description: 'requests per participant per time window; 0 = no limit' }),
      timeWindowMs: Type.Integer({ minimum: 1, default: 60_000, description: 'the time window, in wall ms' }),
      trackedParticipants: Type.Integer({ minimum: 1, default: 200_000, description: 'participants tracked at once (least recently seen are forgotten)' }),
      maxConcurrent: Type.Integer({
        minimum: 0,
        default: 4,
        description: 'requests of one participant in progress at once, counted from their headers to their answer; more get 429 SRV_ERR_CONCURRENCY_LIMITED; 0 = no limit',
      }),
    }),
    overload: section('load shedding of the API routes (503 with Retry-After)', {
      maxInFlight: Type.Integer({ minimum: 0, default: 1024, description: 'API requests in progress at once; 0 = no limit' }),
      maxEventLoopDelayMs: Type.Number({ minimum: 0, default: 1000, description: 'mean event-loop delay past which requests are shed; 0 = off' }),
      maxEventLoopUtilization: Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'event-loop utilisation past which requests are shed; 0 = off' }),
      sampleIntervalMs: Type.Integer({ minimum: 10, default: 500, description: 'how often the event loop is sampled' }),
      retryAfterSeconds: Type.Integer({ minimum: 1, default: 2, description: 'Retry-After of a shed request' }),
    }),
    http: section('timeouts and connection limits of the listening server', {
      requestTimeoutMs: Type.Integer({
        minimum: 0,
        maximum: 3_600_000,
        default: 10_000,
        description: 'wall ms to receive a whole request, headers and body, from its first byte; past it the server answers 408 SRV_ERR_REQUEST_TIMEOUT and closes the connection; 0 = no limit',
      }),
      headersTimeoutMs: Type.Integer({
        minimum: 0,
        maximum: 3_600_000,
        default: 5_000,
        description: 'wall ms to receive the headers of a request (of the first, from the connection); at most requestTimeoutMs; past it 408 as above; 0 = no limit',
      }),
      keepAliveTimeoutMs: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 5_000, description: 'wall ms a connection may stay idle between requests before the server closes it' }),
      maxConnections: Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        default: 2048,
        description: 'connections open at once; one more is closed as soon as it is accepted (the client sees a reset or an end, at once); 0 = no limit',
      }),
      backlog: Type.Integer({
        minimum: 1,
        maximum: 65_535,
        default: 2048,
        description: 'connections the kernel queues before the server accepts them (capped by net.core.somaxconn); past it, connection attempts are dropped and retried by the client',
      }),
    }),
    faults: FaultsSchema,
    faultSeed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1, description: 'seed of fault draws (jitter, error rate); random when absent' })),
    logLevel: stringEnum(['silent', 'fatal', 'error', 'warn', 'info', 'debug'] as const, {
      default: 'silent',
      description: 'fastify log level; logs never carry samples, templates or locations',
    }),
  },
  { additionalProperties: false },
);

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Options as a caller gives them: any field may be left out for its default. */
export type ServerOptionsInput = DeepPartial<Static<typeof ServerOptionsSchema>>;
export type ServerOptions = Readonly<Static<typeof ServerOptionsSchema>>;

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
const validateOptions = ajv.compile(ServerOptionsSchema);

/** Validates options (a deep copy: the caller's object is left alone), fills defaults and freezes them. */
export function resolveOptions(input: ServerOptionsInput = {}): ServerOptions {
  const candidate: unknown = structuredClone(input);
  if (validateOptions(candidate)) {
    const { requestTimeoutMs, headersTimeoutMs } = (candidate as ServerOptions).http;
    if (requestTimeoutMs > 0 && headersTimeoutMs > requestTimeoutMs) {
      throw new ServerError('SRV_ERR_OPTIONS', `expected at most http.requestTimeoutMs (${requestTimeoutMs}), got ${headersTimeoutMs}`, 'http.headersTimeoutMs');
    }
    return deepFreeze(candidate as ServerOptions);
  }
  const issues = (validateOptions.errors ?? []).map((error) => describeSchemaError(error, { root: '', echoValue: false, notation: 'json' }));
  const first = issues[0]!;
  const rest = issues.slice(1).map((issue) => `; ${issue.path || 'options'}: ${issue.message}`).join('');
  throw new ServerError('SRV_ERR_OPTIONS', `${first.message}${rest}`, first.path || 'options');
}
