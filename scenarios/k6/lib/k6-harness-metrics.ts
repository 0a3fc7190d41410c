import { HARNESS_SPECS, type HarnessMetricSpec } from './harness-metric-specs.ts';

/**
 * The k6 metrics that stand for harness metrics, and the harness series each stands for: a harness
 * counter is a k6 Counter named without `_total`, a gauge a k6 Gauge of the same name, a histogram a
 * k6 Counter of its cumulative `<name>_bucket` series (harness-samples.ts says why). Names only, apart
 * from the samples, so that the dashboards' recording rules can read them.
 */

export interface K6HarnessMetric {
  /** The k6 metric's name. */
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  /** The harness series it stands for, which the recording rule writes. */
  readonly harness: string;
}

const counterOf = (spec: HarnessMetricSpec): K6HarnessMetric => ({ name: spec.name.replace(/_total$/, ''), type: 'counter', harness: spec.name });
const gaugeOf = (spec: HarnessMetricSpec): K6HarnessMetric => ({ name: spec.name, type: 'gauge', harness: spec.name });
const bucketsOf = (spec: HarnessMetricSpec): K6HarnessMetric => ({ name: `${spec.name}_bucket`, type: 'counter', harness: `${spec.name}_bucket` });

export const K6_HARNESS = {
  sent: counterOf(HARNESS_SPECS.sent),
  completed: counterOf(HARNESS_SPECS.completed),
  late: counterOf(HARNESS_SPECS.late),
  errors: counterOf(HARNESS_SPECS.errors),
  latency: bucketsOf(HARNESS_SPECS.latency),
  lag: bucketsOf(HARNESS_SPECS.lag),
  compression: gaugeOf(HARNESS_SPECS.compression),
  windows: counterOf(HARNESS_SPECS.windows),
  verdicts: counterOf(HARNESS_SPECS.verdicts),
  falseFailures: counterOf(HARNESS_SPECS.falseFailures),
  falseAccepts: counterOf(HARNESS_SPECS.falseAccepts),
  scores: bucketsOf(HARNESS_SPECS.scores),
  threshold: gaugeOf(HARNESS_SPECS.threshold),
};

/** Every k6 metric that stands for a harness metric: the script creates them, the recording rules rename them. */
export const K6_HARNESS_METRICS: readonly K6HarnessMetric[] = Object.values(K6_HARNESS);
