import { Pool } from 'undici';
import type { AttemptResponse, CheckInAttempt } from './backend.ts';
import type { WindowKind } from '../../server-stub/policy/index.ts';
import type { Judgement } from '../../scenarios/vocabulary.ts';
import { DriveError } from './drive-errors.ts';
import type { PersonalRecord } from '../../server-stub/personal-record.ts';
import { attemptRequest } from './attempt-request.ts';
import { AttemptConnections } from './attempt-connections.ts';
import { parseReplyBody } from './reply-body.ts';
import { JUDGEMENTS } from '../../scenarios/vocabulary.ts';

/** One participant as the server enrols it. */
export interface Enrolment {
  participantId: string;
  template: number[];
  timeZone: string;
  /** Synthetic (sim/population/profile-card.ts); absent from exports written before it existed. */
  personalRecord?: PersonalRecord;
}

export interface WindowRegistration {
  participantId: string;
  windowId: string;
  kind: WindowKind;
  /** Server virtual time the window opens. */
  openedAt: number;
}

export interface AttemptRequest {
  attempt: CheckInAttempt;
  participantId: string;
  token: string;
  /** Read (encoded into the body) before `submit` returns: the caller may reuse it for the next request. */
  sample: ArrayLike<number>;
  location?: { lat: number; lon: number; accuracyM: number };
}

/** An attempt's answer, with the kind of failure when there was one (for `load.errors`). */
export type HttpAttemptResponse = AttemptResponse & { errorKind?: string };

/** The HTTP answer to an attempt, or the failure (timeout, connection) that left it without one. */
export type AttemptReply = { status: number; body: unknown } | { failure: HttpAttemptResponse };

export interface HttpBackendOptions {
  connections: number;
  requestTimeoutMs: number;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The check-in API over HTTP (keep-alive, a fixed number of connections: check-ins on
 * attempt-connections.ts, the rest through an undici pool). Speaks the reference server's published
 * API (server-stub/openapi.json), so it drives any compatible server.
 * Failures never throw: each becomes an AttemptResponse the participant's life reacts to, and an
 * error kind the load report counts.
 */
export class HttpBackend {
  private readonly pool: Pool;
  private readonly attempts: AttemptConnections;
  private readonly officerHeaders: Record<string, string>;

  constructor(
    readonly origin: string,
    officerToken: string,
    private readonly options: HttpBackendOptions,
  ) {
    this.pool = new Pool(origin, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000 });
    this.attempts = new AttemptConnections(new URL(origin), options.connections, options.requestTimeoutMs);
    this.officerHeaders = { ...JSON_HEADERS, authorization: `Bearer ${officerToken}` };
  }

  /** The server's virtual time; refuses a target that is down or does not speak the API. */
  async serverNow(): Promise<number> {
    const { status, body } = await this.call('GET', '/readyz', undefined, {}).catch((error: unknown) => {
      throw new DriveError('DRV_ERR_TARGET_UNREACHABLE', `--target ${this.origin}: cannot connect (${describe(error)}); expected a running check-in server`);
    });
    const now = (body as { now?: unknown } | undefined)?.now;
    if (status !== 200 || typeof now !== 'number' || !Number.isFinite(now)) {
      throw new DriveError(
        'DRV_ERR_TARGET_PROTOCOL',
        `--target ${this.origin}: GET /readyz answered ${status} ${truncate(JSON.stringify(body))}; expected 200 with {"status":"ready","now":<virtual ms>}`,
      );
    }
    return now;
  }

  /** Enrols participants in bulk; returns their tokens in the same order. */
  async enrol(batch: readonly Enrolment[]): Promise<string[]> {
    const { status, body } = await this.call('POST', '/v1/participants/bulk', { participants: batch }, this.officerHeaders);
    const tokens = (body as { tokens?: { participantId: string; token: string }[] } | undefined)?.tokens;
    if (status !== 201 || !Array.isArray(tokens) || tokens.length !== batch.length) {
      throw new DriveError('DRV_ERR_TARGET_PROTOCOL', `--target ${this.origin}: bulk enrolment answered ${status} ${truncate(JSON.stringify(body))}; expected 201 with one token per participant`);
    }
    return tokens.map((entry) => entry.token);
  }

  /** Registers windows ahead of their opening (they wait as pending until then). */
  async registerWindows(batch: readonly WindowRegistration[]): Promise<void> {
    const { status, body } = await this.call('POST', '/v1/windows/bulk', { windows: batch }, this.officerHeaders);
    if (status !== 201 && status !== 200) {
      throw new DriveError('DRV_ERR_TARGET_PROTOCOL', `--target ${this.origin}: window registration answered ${status} ${truncate(JSON.stringify(body))}; expected 201`);
    }
  }

  submit(request: AttemptRequest): Promise<HttpAttemptResponse> {
    const { path, body } = attemptRequest(request.participantId, request.attempt, request.sample, request.location);
    return this.attempts.post(path, body, request.token, attemptResponse, attemptReplyBody, true);
  }

  /** Sends a check-in request already built (attempt-request.ts): the answer as it came, or the failure that meant no answer. */
  postAttempt(path: string, body: string, token: string): Promise<AttemptReply> {
    return this.attempts.post(path, body, token, (reply) => reply);
  }

  async close(): Promise<void> {
    await Promise.all([this.attempts.close(), this.pool.close()]);
  }

  /** `payload` is sent as JSON; a string is sent as it is (already JSON). */
  private async call(method: 'GET' | 'POST', path: string, payload: unknown, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
    const response = await this.pool.request({
      method,
      path,
      headers,
      body: payload === undefined || typeof payload === 'string' ? payload : JSON.stringify(payload),
      headersTimeout: this.options.requestTimeoutMs,
      bodyTimeout: this.options.requestTimeoutMs,
    });
    return { status: response.statusCode, body: parseReplyBody(await response.body.text()) };
  }
}

/**
 * An attempt's answer body for interpretAttemptReply. A judgement's is decoded as latin1, not UTF-8:
 * of it only the judgement (ASCII words) and the similarity (a number) are read, and latin1 reads each
 * byte of a multi-byte UTF-8 character as one character, never as `"` or `\`, so that the JSON parses
 * (or fails to) alike and those two fields come out the same. The reference server's reason holds `≥`,
 * which makes the UTF-8 text two-byte and its JSON.parse about half as slow again. Refusals, whose code
 * becomes the error kind, are read as UTF-8.
 */
function attemptReplyBody(status: number, bytes: Buffer): unknown {
  return parseReplyBody(bytes.toString(status === 200 || status === 201 ? 'latin1' : 'utf8'));
}

function attemptResponse(reply: AttemptReply): HttpAttemptResponse {
  return 'failure' in reply ? reply.failure : interpretAttemptReply(reply.status, reply.body);
}

/** What an attempt's HTTP answer means to the participant, and to the load report. */
export function interpretAttemptReply(status: number, body: unknown): HttpAttemptResponse {
  const reply = body as { judgement?: unknown; similarity?: unknown; code?: unknown } | undefined;
  if (status === 200 || status === 201) {
    if ((JUDGEMENTS as readonly unknown[]).includes(reply?.judgement) && typeof reply?.similarity === 'number') {
      return { outcome: 'judged', judgement: reply.judgement as Judgement, similarity: reply.similarity };
    }
    return { outcome: 'server_error', errorKind: 'bad_response' };
  }
  if (reply?.code === 'SRV_ERR_WINDOW_CLOSED') return { outcome: 'too_late', errorKind: 'window_closed' };
  const code = typeof reply?.code === 'string' ? reply.code.replace(/^SRV_ERR_/, '').toLowerCase() : undefined;
  return { outcome: 'server_error', errorKind: code === undefined ? `http_${status}` : `http_${status}_${code}` };
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
  return cause ?? (error as Error).message;
}

function truncate(text: string | undefined): string {
  if (text === undefined) return '(empty)';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
