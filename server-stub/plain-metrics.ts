import { Counter, type Metric, type Registry } from 'prom-client';

/**
 * Labelled metrics that the request path updates with plain additions and prom-client reads only
 * when scraped: a prom-client `labels(...).observe()` or `inc()` hashes its label set and checks its
 * value on every call (about 1 µs, several per check-in), where these look the series up once and add.
 *
 * Invariants: a series is created on its first use and kept for the life of the metric, in the
 * order of first use (prom-client's own order); counts only grow; a scrape reads the totals so far,
 * so the exposition is the one prom-client would print had it observed every value itself.
 */

interface HistogramConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  /** Upper bounds, ascending. */
  buckets: readonly number[];
  registers: Registry[];
}

/** One label set of a histogram. */
export class HistogramSeries {
  /** Observations per bucket, not cumulative; the last slot counts values above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
    this.counts[bucket]!++;
    this.sum += value;
    this.count++;
  }
}

/**
 * A labelled histogram whose series are plain counts. It is registered as a collector that answers
 * what prom-client's Histogram answers (buckets cumulative, then `+Inf`, `_sum` and `_count`, per
 * series), so the registry prints it alike.
 */
export class PlainHistogram<L extends string> {
  private readonly series = new SeriesTable<HistogramSeries>();

  constructor(private readonly config: HistogramConfig<L>) {
    // The registry reads a metric through name, help, type, get() and reset() only.
    const collector = { name: config.name, help: config.help, type: 'histogram', aggregator: 'sum', get: () => this.get(), reset: () => this.series.clear() };
    for (const registry of config.registers) registry.registerMetric(collector as unknown as Metric);
  }

  /** The series of these label values, in the order of `labelNames`; created on first use. */
  labels(...values: string[]): HistogramSeries {
    return this.series.find(values) ?? this.series.add(values, new HistogramSeries(labelsOf(this.config.labelNames, values), this.config.buckets));
  }

  private async get() {
    const { name, help, buckets } = this.config;
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      buckets.forEach((bound, index) => {
        cumulative += series.counts[index]!;
        values.push({ labels: { le: bound, ...series.labels }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push(
        { labels: { le: '+Inf', ...series.labels }, value: series.count, metricName: `${name}_bucket` },
        { labels: { ...series.labels }, value: series.sum, metricName: `${name}_sum` },
        { labels: { ...series.labels }, value: series.count, metricName: `${name}_count` },
      );
    }
    return { name, help, type: 'histogram', values, aggregator: 'sum' };
  }
}

/** One label set of a counter: add to `value`. */
export interface CounterSeries {
  value: number;
}

/** A labelled counter whose series are plain numbers, handed to a prom-client Counter when scraped. */
export class PlainCounter<L extends string> {
  private readonly series = new SeriesTable<CounterSeries & { labels: Partial<Record<L, string>> }>();
  private readonly labelNames: readonly L[];

  constructor(config: { name: string; help: string; labelNames: readonly L[]; registers: Registry[] }) {
    this.labelNames = config.labelNames;
    const counter: Counter<L> = new Counter({
      ...config,
      labelNames: [...config.labelNames],
      collect: () => {
        counter.reset();
        for (const { labels, value } of this.series.values()) counter.inc(labels, value);
      },
    });
  }

  /** The series of these label values, in the order of `labelNames`; created on first use. */
  labels(...values: string[]): CounterSeries {
    return this.series.find(values) ?? this.series.add(values, { labels: labelsOf(this.labelNames, values), value: 0 });
  }
}

function labelsOf<L extends string>(names: readonly L[], values: readonly string[]): Record<L, string> {
  return Object.fromEntries(names.map((name, index) => [name, values[index]!])) as Record<L, string>;
}

/**
 * Series by label values, in the order they were added: a tree of maps, one level per label, so a
 * lookup builds no key string.
 */
class SeriesTable<S> {
  private readonly root = new Map<string, unknown>();
  private readonly ordered: S[] = [];

  find(values: readonly string[]): S | undefined {
    let node: unknown = this.root;
    for (const value of values) {
      node = (node as Map<string, unknown>).get(value);
      if (node === undefined) return undefined;
    }
    return node as S;
  }

  add(values: readonly string[], series: S): S {
    let node = this.root;
    values.forEach((value, index) => {
      if (index === values.length - 1) {
        node.set(value, series);
        return;
      }
      let child = node.get(value) as Map<string, unknown> | undefined;
      if (child === undefined) node.set(value, (child = new Map()));
      node = child;
    });
    this.ordered.push(series);
    return series;
  }

  values(): readonly S[] {
    return this.ordered;
  }

  clear(): void {
    this.root.clear();
    this.ordered.length = 0;
  }
}
