import { Counter, Gauge, Registry } from 'prom-client';
import { collectProcessMetrics } from '../scenarios/common/process-metrics.ts';
import { JUDGEMENTS } from '../scenarios/vocabulary.ts';
import { PlainCounter, PlainHistogram } from './plain-metrics.ts';
import type { PersonalDataDeleted, StoreCounts } from './store/store.ts';

/** What the metrics say of the server's location settings (privacy dashboard). */
export interface LocationSettings {
  precisionDeg: number;
  retentionDays: number;
}

/** What the metrics say of personal data retention (privacy dashboard). */
export interface PersonalDataSettings {
  retentionDays: number;
  /** How far the retention clock runs ahead of the virtual clock (ms): above 0 after a restart with an earlier clock start. */
  retentionOffsetMs: number;
}

/** The kinds of personal data retention deletes: checkin_personal_data_deleted_total's `kind` label. */
export const PERSONAL_DATA_KINDS = ['location', 'device_model', 'personal_record', 'time_zone'] as const;

/** Why a request or connection was refused: checkin_requests_shed_total's `reason` label. */
const SHED_REASONS = ['overloaded', 'rate_limited', 'concurrency_limited', 'request_timeout', 'max_connections'] as const;

/**
 * The server's Prometheus metrics, in a registry of its own (two apps in one process do not share
 * counters). Names follow Prometheus conventions: base units, `_total` for counters, `_seconds`.
 * The default process metrics come with it, event-loop lag (`nodejs_eventloop_lag_seconds`) included.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  // The three a check-in updates are plain-metrics.ts's: additions on the request path, read when scraped.
  private readonly requestDuration: PlainHistogram<'method' | 'route' | 'status_code'>;
  private readonly attempts: PlainCounter<'modality' | 'outcome'>;
  private readonly similarity: PlainHistogram<'modality'>;
  readonly windowVerdicts: Counter<'kind' | 'verdict'>;
  readonly escalations: Counter;
  readonly shed: Counter<'reason'>;
  readonly faultsInjected: Counter<'kind'>;
  private readonly personalRecordsDeleted: Counter;
  private readonly personalDataDeleted: Record<(typeof PERSONAL_DATA_KINDS)[number], { inc(value: number): void }>;

  constructor(counts: () => StoreCounts, location?: LocationSettings, personalData?: PersonalDataSettings) {
    const registers = [this.registry];
    collectProcessMetrics(this.registry);
    this.requestDuration = new PlainHistogram({
      name: 'checkin_http_request_duration_seconds',
      help: 'Time from request received to response sent, by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.attempts = new PlainCounter({
      name: 'checkin_attempts_total',
      help: `Check-in attempts by modality and outcome: a judgement (${JUDGEMENTS.join(', ')}) or why none was made`,
      labelNames: ['modality', 'outcome'],
      registers,
    });
    this.similarity = new PlainHistogram({
      name: 'checkin_similarity_score',
      help: 'Cosine similarity of judged samples to the enrolled template (dimensionless, -1..1)',
      labelNames: ['modality'],
      buckets: [-0.2, 0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers,
    });
    this.windowVerdicts = new Counter({
      name: 'checkin_window_verdicts_total',
      help: 'Closed windows by kind and verdict',
      labelNames: ['kind', 'verdict'],
      registers,
    });
    this.escalations = new Counter({ name: 'checkin_escalations_total', help: 'Participants escalated to an officer', registers });
    this.shed = new Counter({
      name: 'checkin_requests_shed_total',
      help: 'Requests and connections refused to protect the server, by reason (overloaded, rate_limited, concurrency_limited, request_timeout, max_connections)',
      labelNames: ['reason'],
      registers,
    });
    this.faultsInjected = new Counter({
      name: 'checkin_faults_injected_total',
      help: 'Injected faults by kind (latency, error, outage, slow_database)',
      labelNames: ['kind'],
      registers,
    });
    // Known label values start at 0, so a dashboard shows "none yet" rather than no data.
    for (const reason of SHED_REASONS) this.shed.inc({ reason }, 0);
    for (const kind of ['latency', 'error', 'outage', 'slow_database']) this.faultsInjected.inc({ kind }, 0);
    const gauge = (name: string, help: string, read: (c: StoreCounts) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(counts()));
        },
      });
    gauge('checkin_location_points', 'Check-in locations the server holds (coarsened, deleted after the retention period)', (c) => c.locationPoints);
    // Privacy: counts only. No label ever carries a value of a personal record (kinds are fixed words).
    gauge('checkin_personal_records', 'Synthetic personal records the server holds (deleted at the end of retention)', (c) => c.personalRecords);
    this.personalRecordsDeleted = new Counter({ name: 'checkin_personal_records_deleted_total', help: 'Personal records deleted at the end of retention', registers });
    const deletedByKind = new Counter({
      name: 'checkin_personal_data_deleted_total',
      help: `Personal data deleted at the end of retention, by kind (${PERSONAL_DATA_KINDS.join(', ')})`,
      labelNames: ['kind'],
      registers,
    });
    this.personalDataDeleted = Object.fromEntries(PERSONAL_DATA_KINDS.map((kind) => [kind, deletedByKind.labels(kind)])) as ServerMetrics['personalDataDeleted'];
    for (const kind of PERSONAL_DATA_KINDS) this.personalDataDeleted[kind].inc(0);
    gauge('checkin_participants', 'Enrolled participants', (c) => c.participants);
    gauge('checkin_windows_open', 'Windows not yet closed', (c) => c.openWindows);
    if (location) {
      new Gauge({ name: 'checkin_location_retention_seconds', help: 'Locations and device models of check-ins older than this (retention clock: virtual time, never wound back by a restart) are deleted', registers }).set(location.retentionDays * 86_400);
      new Gauge({ name: 'checkin_location_precision_degrees', help: 'Stored latitudes and longitudes are rounded to multiples of this', registers }).set(location.precisionDeg);
    }
    if (personalData) {
      new Gauge({
        name: 'checkin_personal_data_retention_seconds',
        help: "Personal records and time zones are deleted this long (retention clock) after the participant's last window closes",
        registers,
      }).set(personalData.retentionDays * 86_400);
      new Gauge({
        name: 'checkin_retention_clock_offset_seconds',
        help: 'How far the retention clock runs ahead of the virtual clock: above 0 after a restart with an earlier clock start',
        registers,
      }).set(personalData.retentionOffsetMs / 1000);
    }
  }

  /** Counts what a retention purge deleted. */
  countPersonalDataDeleted(deleted: PersonalDataDeleted): void {
    if (deleted.personalRecords > 0) this.personalRecordsDeleted.inc(deleted.personalRecords);
    if (deleted.locations > 0) this.personalDataDeleted.location.inc(deleted.locations);
    if (deleted.devices > 0) this.personalDataDeleted.device_model.inc(deleted.devices);
    if (deleted.personalRecords > 0) this.personalDataDeleted.personal_record.inc(deleted.personalRecords);
    if (deleted.timeZones > 0) this.personalDataDeleted.time_zone.inc(deleted.timeZones);
  }

  /** Counts a check-in attempt's outcome and, when judged, its similarity. */
  observeAttempt(modality: string, outcome: string, similarity?: number): void {
    this.attempts.labels(modality, outcome).value++;
    if (similarity !== undefined) this.similarity.labels(modality).observe(similarity);
  }

  /** Records one request. */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.requestDuration.labels(method, route, String(statusCode)).observe(seconds);
  }
}
