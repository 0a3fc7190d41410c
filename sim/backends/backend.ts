import type { SampleDraw } from '../behaviour/biometrics.ts';
import type { WindowKind } from '../../server-stub/policy/index.ts';
import type { Judgement, SampleModality } from '../../scenarios/vocabulary.ts';

/** One verification attempt as it leaves the participant's phone (or call). */
export interface CheckInAttempt {
  participantId: number;
  /** Index of the window in the participant's schedule. */
  windowIndex: number;
  windowKind: WindowKind;
  windowOpensAt: number;
  windowClosesAt: number;
  /** 0-based index of the attempt within its window. */
  attemptIndex: number;
  /** Virtual instant the attempt is sent. */
  at: number;
  modality: SampleModality;
  sample: SampleDraw;
  livenessScore: number;
}

export type AttemptResponse =
  | { outcome: 'judged'; judgement: Judgement; similarity: number }
  | { outcome: 'server_error' }
  /** The server's answer came (or the attempt reached it) after the window closed. */
  | { outcome: 'too_late' };
