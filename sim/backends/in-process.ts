import { keyedPrefixAt, keyedRoot, keyedUniformAt } from '../rng/index.ts';
import { sampleSimilarity } from '../behaviour/biometrics.ts';
import { backendIsDown, type ShockCalendar } from '../behaviour/shocks.ts';
import { admitAttempt, judgeSample, type VerdictPolicy } from '../../server-stub/policy/index.ts';
import type { AttemptResponse, CheckInAttempt } from './backend.ts';
import type { Judgement, SampleModality } from '../../scenarios/vocabulary.ts';

const SERVER_ERROR: AttemptResponse = Object.freeze({ outcome: 'server_error' });
const TOO_LATE: AttemptResponse = Object.freeze({ outcome: 'too_late' });

/**
 * Sim mode's server: the reference policy called directly, with the scenario's backend outages and
 * error rate. Its error draws are keyed by (seed, participant, window, attempt) rather than taken
 * from the participant's stream, so that server faults never shift what the client draws.
 *
 * Sim mode's lives ask it in numbers (refusal, then judgement) rather than by an attempt object: a
 * shard makes ~10^8 attempts, and their objects, samples and answers were two fifths of what it allocated.
 */
export class InProcessBackend {
  /**
   * keyedRoot(seed, participant) of the last participant asked about (NaN before the first): a life's
   * attempts come one after another, so its error draws hash (seed, participant) once rather than at each.
   */
  private rootParticipant = Number.NaN;
  private root = 0;

  constructor(
    private readonly policy: VerdictPolicy,
    private readonly shocks: ShockCalendar,
    private readonly errorRate: number,
    private readonly seed: number,
  ) {}

  submit(attempt: CheckInAttempt): AttemptResponse {
    const refusal = this.refusal(attempt.participantId, attempt.windowIndex, attempt.windowOpensAt, attempt.windowClosesAt, attempt.attemptIndex, attempt.at);
    if (refusal !== null) return refusal;
    const similarity = sampleSimilarity(attempt.sample);
    return { outcome: 'judged', judgement: this.judgement(attempt.modality, similarity, attempt.livenessScore), similarity };
  }

  /** The answer to an attempt the server does not judge (too late, or failing); null for one it judges. */
  refusal(participantId: number, windowIndex: number, windowOpensAt: number, windowClosesAt: number, attemptIndex: number, at: number): AttemptResponse | null {
    if (admitAttempt(windowOpensAt, windowClosesAt, attemptIndex, at, this.policy) !== 'accepted') return TOO_LATE;
    if (backendIsDown(this.shocks, at)) return SERVER_ERROR;
    if (participantId !== this.rootParticipant) {
      this.rootParticipant = participantId;
      this.root = keyedRoot(this.seed, participantId);
    }
    // keyedUniform(seed, participantId, windowIndex, attemptIndex), from the participant's root.
    if (keyedUniformAt(keyedPrefixAt(this.root, windowIndex), attemptIndex) < this.errorRate) return SERVER_ERROR;
    return null;
  }

  /** The judgement of an admitted sample with this similarity to the template. */
  judgement(modality: SampleModality, similarity: number, livenessScore: number): Judgement {
    return judgeSample(modality, similarity, livenessScore, this.policy);
  }
}
