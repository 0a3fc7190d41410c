import { FAILURE_CAUSES, INTENTS, VERDICTS } from '../../scenarios/vocabulary.ts';
import { VERDICT } from '../metrics/shard-metrics.ts';
import type { EventRecorder } from './event-log.ts';
import type { LifeListener } from './life-listener.ts';
import type { WindowKind } from '../../server-stub/policy/index.ts';

/** Writes one participant's life to the event log: its abscondence, and each window's opening, attempts and close. */
export class EventLogListener implements LifeListener {
  constructor(
    private readonly events: EventRecorder,
    private readonly id: number,
  ) {}

  started(): void {}

  absconded(at: number, seq: number): void {
    this.events.add(at, this.id, seq, 'abscond', '');
  }

  windowOpened(at: number, seq: number, windowIndex: number, kind: WindowKind, intent: number): void {
    this.events.add(at, this.id, seq, 'window_open', `,"window":${windowIndex},"kind":"${kind}","intent":"${INTENTS[intent]}"`);
  }

  judged(): void {}

  attempted(at: number, seq: number, windowIndex: number, attemptIndex: number, verified: boolean, cause: number): void {
    this.events.add(at, this.id, seq, 'attempt', `,"window":${windowIndex},"attempt":${attemptIndex},"outcome":"${verified ? 'verified' : FAILURE_CAUSES[cause]}"`);
  }

  windowClosed(_day: number, _intent: number, verdict: number, cause: number, at: number, seq: number, windowIndex: number, attempts: number): void {
    const causeField = verdict === VERDICT.verified || cause < 0 ? '' : `,"cause":"${FAILURE_CAUSES[cause]}"`;
    this.events.add(at, this.id, seq, 'window_close', `,"window":${windowIndex},"verdict":"${VERDICTS[verdict]}","attempts":${attempts}${causeField}`);
  }

  ended(): void {}

  paused(): void {}
}
