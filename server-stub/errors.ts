import { CodedError } from '../scenarios/common/coded-error.ts';

/**
 * Every error the reference server reports. Codes are stable (SRV_ERR_*): clients and tests branch on
 * them, never on messages. `status` is the HTTP status a request gets; startup errors have none.
 * docs/errors.md documents each code (test/server-stub/server-error-codes-documented.test.ts holds the two together).
 */
export const SERVER_ERRORS = {
  SRV_ERR_VALIDATION: { status: 400, meaning: 'a field of the path, query or body breaks the API schema' },
  SRV_ERR_MALFORMED_JSON: { status: 400, meaning: 'the body is not valid JSON, is empty, or carries a forbidden key such as __proto__' },
  SRV_ERR_BAD_REQUEST: { status: 400, meaning: 'the request cannot be read at all, e.g. a badly percent-encoded path' },
  SRV_ERR_UNAUTHENTICATED: { status: 401, meaning: 'no bearer token in the Authorization header' },
  SRV_ERR_TOKEN_INVALID: { status: 401, meaning: 'the bearer token is malformed or its signature does not match' },
  SRV_ERR_TOKEN_EXPIRED: { status: 401, meaning: 'the participant token has expired; enrol again for a new one' },
  SRV_ERR_FORBIDDEN_ROLE: { status: 403, meaning: 'the token is valid but its role may not use this route (e.g. a participant token on an officer route)' },
  SRV_ERR_FORBIDDEN_PARTICIPANT: { status: 403, meaning: "a participant token used on another participant's path" },
  SRV_ERR_ROUTE_NOT_FOUND: { status: 404, meaning: 'no route has this path' },
  SRV_ERR_PARTICIPANT_NOT_FOUND: { status: 404, meaning: 'no participant is enrolled with this id' },
  SRV_ERR_WINDOW_NOT_FOUND: { status: 404, meaning: 'the participant has no window with this id' },
  SRV_ERR_METHOD_NOT_ALLOWED: { status: 405, meaning: 'a route has this path but not this method; the Allow header lists the methods it has' },
  SRV_ERR_PARTICIPANT_EXISTS: { status: 409, meaning: 'a participant with this id is already enrolled' },
  SRV_ERR_WINDOW_CONFLICT: { status: 409, meaning: 'the window id is already used by a window of another kind or opening time' },
  SRV_ERR_ATTEMPT_CONFLICT: { status: 409, meaning: 'the attempt id was already used for another window or modality' },
  SRV_ERR_IDEMPOTENCY_KEY_REUSED: { status: 409, meaning: 'the attempt id was already used with another payload (sample, capture, location or call); resend the same request, or use a new attempt id' },
  SRV_ERR_WINDOW_NOT_OPEN: { status: 409, meaning: 'the window opens later than the attempt (policy: window_not_open)' },
  SRV_ERR_WINDOW_CLOSED: { status: 409, meaning: 'the window, grace included, closed before the attempt (policy: window_closed)' },
  SRV_ERR_ATTEMPTS_EXHAUSTED: { status: 409, meaning: 'the window already judged its allowed attempts (policy: attempts_exhausted)' },
  SRV_ERR_REQUEST_TIMEOUT: { status: 408, meaning: 'the headers or the body did not arrive in full within the request timeouts; the connection is closed' },
  SRV_ERR_BODY_TOO_LARGE: { status: 413, meaning: 'the body is larger than the route accepts' },
  SRV_ERR_URL_TOO_LONG: { status: 414, meaning: 'a path parameter is longer than the router accepts' },
  SRV_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'the body is not application/json' },
  SRV_ERR_EXPECTATION_FAILED: { status: 417, meaning: 'the Expect header asks for something other than 100-continue' },
  SRV_ERR_RATE_LIMITED: { status: 429, meaning: 'the participant sent more requests than the per-participant limit; see Retry-After' },
  SRV_ERR_CONCURRENCY_LIMITED: { status: 429, meaning: 'the participant already has as many requests in progress as the per-participant limit allows; see Retry-After' },
  SRV_ERR_HEADERS_TOO_LARGE: { status: 431, meaning: 'the request headers are larger than the server reads (16 KiB)' },
  SRV_ERR_INTERNAL: { status: 500, meaning: 'an unexpected server error (details are logged, never returned)' },
  SRV_ERR_INJECTED_FAULT: { status: 500, meaning: 'an error injected by the configured fault error rate' },
  SRV_ERR_OUTAGE: { status: 503, meaning: 'an injected outage window is in force; see Retry-After' },
  SRV_ERR_OVERLOADED: { status: 503, meaning: 'the server is past its load limit and sheds the request; see Retry-After' },
  SRV_ERR_SHUTTING_DOWN: { status: 503, meaning: 'the server is shutting down and takes no new request; the connection is closed' },
  SRV_ERR_OPTIONS: { status: undefined, meaning: 'server options break the options schema (startup)' },
  SRV_ERR_FILE: { status: undefined, meaning: 'a --config or --faults file cannot be read or parsed as YAML or JSON (startup)' },
} as const satisfies Record<string, { status: number | undefined; meaning: string }>;

export type ServerErrorCode = keyof typeof SERVER_ERRORS;

/** The body of every error response. */
export interface ErrorBody {
  code: ServerErrorCode;
  /** Names the field first (`field: what was expected`) when there is one. */
  message: string;
  /** Where the problem is: `body.sample[3]`, `params.id`, `headers.authorization`, ... */
  field?: string;
}

/** Its message is the body's: it names the field first, and the code goes beside it. Startup errors exit as bad input. */
export class ServerError extends CodedError<ServerErrorCode> {
  readonly statusCode: number;
  /** Seconds a client should wait before retrying; sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;
  /** Further response headers the answer needs (WWW-Authenticate on a 401, Allow on a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ServerErrorCode, message: string, field?: string, retryAfterSeconds?: number, headers: Readonly<Record<string, string>> = {}) {
    super(code, message, { field, codeInMessage: false });
    this.statusCode = SERVER_ERRORS[code].status ?? 500;
    this.retryAfterSeconds = retryAfterSeconds;
    this.headers = headers;
  }

  toBody(): ErrorBody {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field };
  }
}
