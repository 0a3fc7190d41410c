import { Type, type Static, type TInteger } from '@sinclair/typebox';
import { JUDGEMENTS, SAMPLE_MODALITIES, VERDICTS, type SampleModality as SampleModalityName, type Verdict as VerdictName } from '../scenarios/vocabulary.ts';
import { FaultsSchema } from './faults/fault-schema.ts';
import { SERVER_ERRORS } from './errors.ts';
import { sampleBase64Length } from './sample-encoding.ts';
import { CASE_NUMBER_PATTERN, DATE_PATTERN, PHONE_NUMBER_PATTERN } from './personal-record.ts';
import { stringEnum } from './options.ts';

/**
 * Request and response schemas of the API. Fastify compiles them once at start: Ajv validates bodies,
 * fast-json-stringify serialises replies (and drops any field not named here). They also make the
 * OpenAPI document. Vector lengths depend on the configured dimension, hence the factory.
 */

/** Ids of participants, windows and attempts; no dots, so a token splits unambiguously. */
const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_:-]{0,63}$';
const Id = (description: string) => Type.String({ pattern: ID_PATTERN, description });
const VirtualMs = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
const Count = (description: string) => Type.Integer({ minimum: 0, description });

/** The largest magnitude of a template or sample component. */
export const SAMPLE_BOUND = 1000;

const ErrorBody = Type.Object(
  {
    code: Type.String({ enum: Object.keys(SERVER_ERRORS), description: 'stable error code (SRV_ERR_*)' }),
    message: Type.String({ description: 'the field first, then what was expected' }),
    field: Type.Optional(Type.String({ description: 'where the problem is, e.g. body.sample[3]' })),
  },
  { additionalProperties: false },
);

export const ParticipantParams = Type.Object({ id: Id('participant id') }, { additionalProperties: false });

const Kind = stringEnum(['scheduled', 'adhoc'] as const, { description: 'scheduled check-in or ad-hoc prompt' });
// Verdicts, judgements and modalities are the shared vocabulary's (scenarios/vocabulary.ts).
const Verdict = stringEnum(VERDICTS, { description: 'window verdict' });
const Judgement = stringEnum(JUDGEMENTS, { description: 'judgement of the sample' });
const SampleModality = () => stringEnum(SAMPLE_MODALITIES, { description: 'selfie or voice' });
/** A count for each verdict, named by it. */
const VerdictCounts = () =>
  Type.Object(Object.fromEntries(VERDICTS.map((verdict) => [verdict, Count(verdict)])) as Record<VerdictName, TInteger>, { additionalProperties: false });

export const WindowView = Type.Object(
  {
    windowId: Type.String(),
    kind: Kind,
    state: stringEnum(['pending', 'open', 'closing', 'closed'] as const, {
      description: 'pending: not yet open; open: takes attempts; closing: past its close time, verdict not yet recorded; closed: verdict recorded',
    }),
    openedAt: VirtualMs('virtual ms the window opens'),
    closesAt: VirtualMs('virtual ms after which it takes no attempt (length plus grace)'),
    attemptsUsed: Count('attempts judged'),
    attemptsLeft: Count('attempts it still takes'),
    matched: Type.Boolean({ description: 'whether an attempt matched' }),
    verdict: Type.Optional(Verdict),
    reason: Type.Optional(Type.String({ description: 'why the verdict' })),
  },
  { additionalProperties: false },
);

export const AttemptReply = Type.Object(
  {
    participantId: Type.String(),
    attemptId: Type.String(),
    windowId: Type.String(),
    modality: SampleModality(),
    at: VirtualMs('virtual ms the attempt was judged'),
    attemptNumber: Type.Integer({ minimum: 1, description: 'which attempt of the window this was' }),
    judgement: Judgement,
    similarity: Type.Number({ description: 'cosine similarity of the sample to the enrolled template' }),
    reason: Type.String({ description: 'why the judgement' }),
    replayed: Type.Boolean({ description: 'true when the attempt id was seen before: the stored judgement is returned and nothing is counted again' }),
    window: WindowView,
  },
  { additionalProperties: false },
);

const HistoryAttempt = Type.Object(
  {
    attemptId: Type.String(),
    windowId: Type.String(),
    modality: SampleModality(),
    at: VirtualMs('virtual ms judged'),
    attemptNumber: Type.Integer(),
    judgement: Judgement,
    similarity: Type.Number(),
    livenessScore: Type.Number(),
    reason: Type.String(),
    location: Type.Optional(
      Type.Object({ lat: Type.Number(), lon: Type.Number() }, { additionalProperties: false, description: 'coarsened; absent once the retention period has passed' }),
    ),
    device: Type.Optional(Type.String({ description: 'phone model; absent once the retention period has passed' })),
    poorLight: Type.Optional(Type.Boolean()),
    callDirection: Type.Optional(stringEnum(['inbound', 'outbound'] as const, { description: 'who placed the call' })),
    callDurationSeconds: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

/** Text of a personal record: letters and marks of any script, then these; no control characters, markup or quotes. */
const Text = (extra: string, maxLength: number, description: string, digitsFirst = false) =>
  Type.String({ minLength: 1, maxLength, pattern: `^[\\p{L}\\p{M}${digitsFirst ? '\\p{N}' : ''}][\\p{L}\\p{M}${extra}]*$`, description });

/**
 * A participant's personal record (server-stub/personal-record.ts): synthetic by construction, since
 * the case number and phone number must lie in ranges no real record uses. Shown only to the officer.
 */
export const PersonalRecordSchema = Type.Object(
  {
    name: Text(" '’.,-", 120, 'full name, in any script: letters and marks, spaces, apostrophes, periods, commas and hyphens'),
    dateOfBirth: Type.String({ pattern: DATE_PATTERN, description: 'YYYY-MM-DD, a day from 1900-01-01 to today' }),
    language: Type.String({ maxLength: 35, pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'BCP 47 language tag, e.g. es, ht, quc, pt-BR' }),
    phoneNumber: Type.String({ pattern: PHONE_NUMBER_PATTERN, description: '(NXX) 555-01XX: only numbers of the block reserved for fiction are accepted' }),
    homeAddress: Type.Object(
      {
        street: Text("\\p{N} '’.,#/-", 100, 'house number and street', true),
        city: Text("\\p{N} '’.-", 60, 'city'),
        region: Type.String({ pattern: '^[A-Z]{2}$', description: 'two-letter state or territory code' }),
        postalCode: Type.String({ pattern: '^[0-9]{5}$', description: 'five-digit ZIP code' }),
      },
      { additionalProperties: false, description: 'home address at street level, as an officer holds it for visits (no coordinates)' },
    ),
    office: Text("\\p{N} '’.,-", 80, 'the office the participant reports to', true),
    caseNumber: Type.String({ pattern: CASE_NUMBER_PATTERN, description: 'SYN-NNNNNNNN-C, C the Luhn check digit of the eight digits: cannot be mistaken for a real case number' }),
  },
  { additionalProperties: false, description: 'synthetic personal record: officer-only, never logged, deleted at the end of retention' },
);

export function apiSchemas(settings: { dimension: number; bulkMaxParticipants: number; bulkMaxWindows: number }) {
  // Long on purpose: one table of every route's schemas, all sized by the same settings.
  const Vector = (description: string) =>
    Type.Array(Type.Number({ minimum: -SAMPLE_BOUND, maximum: SAMPLE_BOUND }), {
      minItems: settings.dimension,
      maxItems: settings.dimension,
      description: `${description}: ${settings.dimension} numbers`,
    });

  const SampleBase64 = (description: string) =>
    Type.String({
      minLength: sampleBase64Length(settings.dimension),
      maxLength: sampleBase64Length(settings.dimension),
      pattern: '^[A-Za-z0-9+/]*={0,2}$',
      description: `${description}, compact form: ${settings.dimension} little-endian IEEE-754 doubles in base64 (instead of sample)`,
    });

  const Enrolment = Type.Object(
    {
      participantId: Id('participant id, unique'),
      template: Vector('enrolled face template, a unit vector'),
      voiceTemplate: Type.Optional(Vector('enrolled voice template, a unit vector; calls are matched against the face template when absent')),
      timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_+/-]*$', description: 'time zone name; deleted with the personal record' })),
      personalRecord: Type.Optional(PersonalRecordSchema),
    },
    { additionalProperties: false },
  );

  const Capture = Type.Object(
    {
      livenessScore: Type.Number({ minimum: 0, maximum: 1, description: 'liveness score from the capture, 0..1' }),
      poorLight: Type.Optional(Type.Boolean({ description: 'captured in poor light' })),
      device: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\x20-\\x7e]+$', description: 'phone model' })),
    },
    { additionalProperties: false },
  );

  const Location = Type.Object(
    {
      lat: Type.Number({ minimum: -90, maximum: 90, description: 'latitude, degrees' }),
      lon: Type.Number({ minimum: -180, maximum: 180, description: 'longitude, degrees' }),
      accuracyM: Type.Number({ minimum: 0, maximum: 1_000_000, description: 'reported accuracy, metres (used for nothing, not kept)' }),
    },
    { additionalProperties: false, description: 'where the selfie was taken; kept coarsened, deleted after the retention period' },
  );

  const OpenWindow = Type.Object(
    {
      windowId: Id('window id, unique per participant'),
      kind: Kind,
      openedAt: Type.Optional(VirtualMs('virtual ms it opens; now when absent')),
    },
    { additionalProperties: false },
  );

  return {
    Enrolment,
    EnrolmentReply: Type.Object(
      { participantId: Type.String(), token: Type.String({ description: 'participant bearer token' }), tokenExpiresAt: Type.Integer({ description: 'Unix seconds' }) },
      { additionalProperties: false },
    ),
    BulkEnrolment: Type.Object(
      { participants: Type.Array(Enrolment, { minItems: 1, maxItems: settings.bulkMaxParticipants, description: 'enrolled all or none' }) },
      { additionalProperties: false },
    ),
    BulkEnrolmentReply: Type.Object(
      {
        enrolled: Count('participants enrolled'),
        tokenExpiresAt: Type.Integer({ description: 'Unix seconds' }),
        tokens: Type.Array(Type.Object({ participantId: Type.String(), token: Type.String() }, { additionalProperties: false })),
      },
      { additionalProperties: false },
    ),
    OpenWindow,
    BulkWindows: Type.Object(
      {
        windows: Type.Array(Type.Composite([Type.Object({ participantId: Id('participant id') }), OpenWindow], { additionalProperties: false }), {
          minItems: 1,
          maxItems: settings.bulkMaxWindows,
          description: 'opened all or none',
        }),
      },
      { additionalProperties: false },
    ),
    BulkWindowsReply: Type.Object(
      { opened: Count('windows opened'), existing: Count('windows that were already open with the same kind and time') },
      { additionalProperties: false },
    ),
    OpenPromptsReply: Type.Object({ now: VirtualMs('server virtual time'), windows: Type.Array(WindowView) }, { additionalProperties: false }),
    FaceCheckIn: Type.Object(
      {
        windowId: Id('window answered'),
        attemptId: Id('idempotency key: a retry with the same id is answered from the record and not counted again'),
        modality: stringEnum(['face'] as const satisfies readonly SampleModalityName[], { description: 'a selfie' }),
        sample: Type.Optional(Vector('face sample')),
        sampleBase64: Type.Optional(SampleBase64('face sample')),
        capture: Capture,
        location: Type.Optional(Location),
      },
      { additionalProperties: false, description: 'carries its sample in exactly one form: sample or sampleBase64' },
    ),
    CallCheckIn: Type.Object(
      {
        windowId: Id('window answered'),
        attemptId: Id('idempotency key: a retry with the same id is answered from the record and not counted again'),
        sample: Type.Optional(Vector('voice sample')),
        sampleBase64: Type.Optional(SampleBase64('voice sample')),
        call: Type.Object(
          {
            direction: stringEnum(['inbound', 'outbound'] as const, { description: 'inbound: the participant called; outbound: the participant was called' }),
            durationSeconds: Type.Number({ minimum: 0, maximum: 86_400, description: 'length of the call, seconds' }),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false, description: 'carries its sample in exactly one form: sample or sampleBase64' },
    ),
    StatusReply: Type.Object(
      {
        participantId: Type.String(),
        enrolledAt: VirtualMs('virtual ms enrolled'),
        timeZone: Type.Optional(Type.String({ description: 'absent once the personal data retention period has passed' })),
        failedStreak: Count('failed windows in a row since the last verified window or escalation'),
        escalations: Count('times escalated to an officer'),
        unclosedWindows: Type.Array(WindowView),
      },
      { additionalProperties: false },
    ),
    PersonalRecordReply: Type.Object(
      {
        participantId: Type.String(),
        state: stringEnum(['held', 'none'] as const, { description: 'held: the record is below; none: none was enrolled, or it was deleted at the end of retention' }),
        personalRecord: Type.Optional(PersonalRecordSchema),
        deleteAfter: Type.Optional(
          VirtualMs('virtual ms after which the record is deleted, unless a later window of the participant closes after it (retention counts from the last window)'),
        ),
      },
      { additionalProperties: false },
    ),
    HistoryQuery: Type.Object(
      { limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$', description: 'latest entries of each list, 1..9999 (default 100)' })) },
      { additionalProperties: false },
    ),
    HistoryReply: Type.Object(
      {
        participantId: Type.String(),
        attempts: Type.Array(HistoryAttempt),
        windows: Type.Array(WindowView),
        escalations: Type.Array(Type.Object({ windowId: Type.String(), at: VirtualMs('virtual ms'), reason: Type.String() }, { additionalProperties: false })),
      },
      { additionalProperties: false },
    ),
    CloseDue: Type.Object({}, { additionalProperties: false, description: 'takes no field: an empty object, or no body at all' }),
    CloseDueReply: Type.Object(
      {
        now: VirtualMs('server virtual time the windows were closed at'),
        closed: Count('windows closed'),
        verdicts: VerdictCounts(),
        escalations: Count('participants escalated'),
      },
      { additionalProperties: false },
    ),
    Faults: Type.Object(FaultsSchema.properties, { additionalProperties: false, description: 'injected faults; `{}` means none' }),
  };
}

export type ApiSchemas = ReturnType<typeof apiSchemas>;
export type Body<K extends keyof ApiSchemas> = Static<ApiSchemas[K]>;

/** The error replies a route can give, for the OpenAPI document and fast serialisation. */
export const errorReplies = { '4xx': ErrorBody, '5xx': ErrorBody };
