import type { Judgement, SampleModality } from '../scenarios/vocabulary.ts';
import type { VerdictPolicy } from './policy/index.ts';

/**
 * The reason recorded with each judgement, e.g. `similarity 0.7012 ≥ face threshold 0.6`. A judged
 * sample's reason depends only on its modality, its judgement and its similarity to 4 decimals, so
 * each text is made once and then shared by every attempt that has it: at most 20,001 similarities
 * (−1 to 1) per modality and judgement, so the table stays bounded. Making the text each time cost
 * about 2 µs per check-in (an array, a join, the threshold printed), and every stored attempt kept a
 * copy of its own.
 */
export class JudgementReasons {
  // By modality, then by whether the sample matched: similarity to 4 decimals → reason.
  private readonly judged: Record<SampleModality, [matched: Map<string, string>, below: Map<string, string>]> = { face: [new Map(), new Map()], voice: [new Map(), new Map()] };

  constructor(private readonly policy: VerdictPolicy) {}

  reason(modality: SampleModality, judgement: Judgement, similarity: number, livenessScore: number): string {
    // Joined rather than concatenated: a join makes one flat string, where `+` makes a tree of pieces (about twice the memory).
    if (judgement === 'not_live') return ['liveness ', String(livenessScore), ' < liveness threshold ', String(this.policy.livenessThreshold)].join('');
    const rounded = similarity.toFixed(4);
    const table = this.judged[modality][judgement === 'match' ? 0 : 1];
    let text = table.get(rounded);
    if (text === undefined) {
      const threshold = modality === 'face' ? this.policy.faceThreshold : this.policy.voiceThreshold;
      text = ['similarity ', rounded, judgement === 'match' ? ' ≥ ' : ' < ', modality, ' threshold ', String(threshold)].join('');
      table.set(rounded, text);
    }
    return text;
  }
}
