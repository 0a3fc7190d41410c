import type { AttemptRecord, ParticipantRecord, WindowRecord } from './store.ts';

/** The sqlite store's rows as better-sqlite3 returns them, and their conversion to and from the store's records. */

export interface ParticipantRow {
  participant_id: string;
  template: Buffer;
  voice_template: Buffer | null;
  time_zone: string | null;
  enrolled_at: number;
  failed_streak: number;
  escalations: number;
}

export interface WindowRow {
  participant_id: string;
  window_id: string;
  kind: WindowRecord['kind'];
  opened_at: number;
  closes_at: number;
  attempts_used: number;
  matched: number;
  verdict: WindowRecord['verdict'] | null;
  reason: string | null;
  closed_at: number | null;
}

export interface AttemptRow {
  participant_id: string;
  attempt_id: string;
  window_id: string;
  modality: AttemptRecord['modality'];
  at: number;
  attempt_number: number;
  judgement: AttemptRecord['judgement'];
  similarity: number;
  liveness_score: number;
  reason: string;
  lat: number | null;
  lon: number | null;
  device: string | null;
  poor_light: number | null;
  call_direction: AttemptRecord['callDirection'] | null;
  call_duration_s: number | null;
  fingerprint: Buffer | null;
}

export function vectorToBlob(vector: Float64Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function blobToVector(blob: Buffer): Float64Array {
  // A Float64Array view needs an 8-byte aligned offset; copy when the driver's buffer is not.
  const aligned = blob.byteOffset % 8 === 0 ? blob : Buffer.from(blob);
  return new Float64Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 8);
}

export function toParticipant(row: ParticipantRow): ParticipantRecord {
  return {
    participantId: row.participant_id,
    template: blobToVector(row.template),
    voiceTemplate: row.voice_template === null ? undefined : blobToVector(row.voice_template),
    timeZone: row.time_zone ?? undefined,
    enrolledAt: row.enrolled_at,
    failedStreak: row.failed_streak,
    escalations: row.escalations,
  };
}

export function toWindow(row: WindowRow): WindowRecord {
  return {
    participantId: row.participant_id,
    windowId: row.window_id,
    kind: row.kind,
    openedAt: row.opened_at,
    closesAt: row.closes_at,
    attemptsUsed: row.attempts_used,
    matched: row.matched === 1,
    verdict: row.verdict ?? undefined,
    reason: row.reason ?? undefined,
    closedAt: row.closed_at ?? undefined,
  };
}

export function toAttempt(row: AttemptRow): AttemptRecord {
  return {
    participantId: row.participant_id,
    attemptId: row.attempt_id,
    windowId: row.window_id,
    modality: row.modality,
    at: row.at,
    attemptNumber: row.attempt_number,
    judgement: row.judgement,
    similarity: row.similarity,
    livenessScore: row.liveness_score,
    reason: row.reason,
    location: row.lat === null || row.lon === null ? undefined : { lat: row.lat, lon: row.lon },
    device: row.device ?? undefined,
    poorLight: row.poor_light === null ? undefined : row.poor_light === 1,
    callDirection: row.call_direction ?? undefined,
    callDurationSeconds: row.call_duration_s ?? undefined,
    fingerprint: row.fingerprint?.toString('base64') ?? undefined,
  };
}
