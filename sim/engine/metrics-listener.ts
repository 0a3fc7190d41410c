import type { ShardMetrics, ParticipantTally } from '../metrics/shard-metrics.ts';
import type { Population } from '../population/population.ts';
import type { LifeListener } from './life-listener.ts';

/** Records one participant's life in the shard's metrics (its tally is its own: lives may interleave). */
export class MetricsListener implements LifeListener {
  private tally: ParticipantTally | undefined;

  constructor(
    private readonly metrics: ShardMetrics,
    private readonly population: Population,
    private readonly row: number,
  ) {}

  started(activeDays: number, absconds: boolean, followed: boolean): void {
    this.tally = this.metrics.beginParticipant(this.population, this.row, activeDays);
    if (absconds) this.metrics.absconded(followed);
  }

  absconded(): void {}

  windowOpened(): void {}

  judged(impostor: boolean, byPhone: boolean, similarity: number): void {
    this.metrics.score(impostor, byPhone, similarity);
  }

  attempted(): void {}

  windowClosed(day: number, intent: number, verdict: number, cause: number): void {
    this.metrics.window(this.tally!, day, intent, verdict, cause);
  }

  ended(draws: number, events: number): void {
    this.metrics.endParticipant(this.tally!, draws, events);
  }

  paused(): void {
    this.metrics.addHeldWindows(this.tally!);
  }
}
