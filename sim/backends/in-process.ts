import { keyedUniform } from '../rng/index.ts';
import { sampleSimilarity } from '../behaviour/biometrics.ts';
import { backendIsDown, type ShockCalendar } from '../behaviour/shocks.ts';
import { admitAttempt, judgeSample, type VerdictPolicy } from '../../server-stub/policy/index.ts';
import type { AttemptResponse, CheckInAttempt, SyncBackend } from './backend.ts';

const SERVER_ERROR: AttemptResponse = Object.freeze({ outcome: 'server_error' });
const TOO_LATE: AttemptResponse = Object.freeze({ outcome: 'too_late' });

/**
 * Sim mode's server: the reference policy called directly, with the scenario's backend outages and
 * error rate. Its error draws are keyed by (seed, participant, window, attempt) rather than taken
 * from the participant's stream, so that server faults never shift what the client draws.
 */
export class InProcessBackend implements SyncBackend {
  constructor(
    private readonly policy: VerdictPolicy,
    private readonly shocks: ShockCalendar,
    private readonly errorRate: number,
    private readonly seed: number,
  ) {}

  submit(attempt: CheckInAttempt): AttemptResponse {
    if (admitAttempt(attempt.windowOpensAt, attempt.windowClosesAt, attempt.attemptIndex, attempt.at, this.policy) !== 'accepted') {
      return TOO_LATE;
    }
    if (backendIsDown(this.shocks, attempt.at)) return SERVER_ERROR;
    if (keyedUniform(this.seed, attempt.participantId, attempt.windowIndex, attempt.attemptIndex) < this.errorRate) return SERVER_ERROR;
    const similarity = sampleSimilarity(attempt.sample);
    return { outcome: 'judged', judgement: judgeSample(attempt.modality, similarity, attempt.livenessScore, this.policy), similarity };
  }
}
