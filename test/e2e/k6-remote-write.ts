import protobuf from 'protobufjs';
import { compress } from 'snappyjs';
import type { Sample } from '../../scenarios/k6/lib/attempt-samples.ts';

/**
 * A stand-in for k6's `experimental-prometheus-rw` output, for the k6 metrics it is given: each series
 * (metric and tags) keeps a Counter's sum or a Gauge's last value, and each push sends the series
 * sampled since the previous push, stamped with the push time, as k6 does (grafana/xk6-output-prometheus-remote,
 * pkg/remotewrite/remotewrite.go). It speaks Prometheus's remote-write protocol 1.0: a protobuf
 * WriteRequest, snappy-compressed in block format, POSTed to /api/v1/write.
 */

// The messages of prometheus/prompb (remote.proto, types.proto) a plain float sample needs.
const PROMPB = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`;
const WRITE_REQUEST = protobuf.parse(PROMPB).root.lookupType('prometheus.WriteRequest');

export type K6MetricType = 'counter' | 'gauge';

/**
 * k6's series name for a custom metric in remote write
 * (https://grafana.com/docs/k6/latest/results-output/real-time/prometheus-remote-write/, "Metrics
 * mapping"): the `k6_` prefix, then a Counter's `_total`; a Gauge gets no suffix (a unit suffix is
 * only for units k6 knows, and a custom Gauge that is not a time has none).
 */
function k6RemoteWriteName(name: string, type: K6MetricType): string {
  return type === 'counter' ? `k6_${name}_total` : `k6_${name}`;
}

interface Series {
  labels: { name: string; value: string }[];
  type: K6MetricType;
  value: number;
  sampled: boolean;
}

export class K6RemoteWriteOutput {
  private readonly series = new Map<string, Series>();
  private pushing: Promise<void> = Promise.resolve();

  /** `types`: the k6 metrics pushed, by name (others are ignored); `tags`: the tags every sample carries (test-wide and scenario tags). */
  constructor(
    private readonly url: string,
    private readonly types: ReadonlyMap<string, K6MetricType>,
    private readonly tags: Readonly<Record<string, string>>,
  ) {}

  add(samples: readonly Sample[]): void {
    for (const sample of samples) {
      const type = this.types.get(sample.metric);
      if (type === undefined) continue;
      const tags = { ...this.tags, ...sample.tags };
      const key = `${sample.metric}${JSON.stringify(Object.entries(tags).sort())}`;
      let series = this.series.get(key);
      if (series === undefined) {
        const labels = Object.entries(tags)
          .filter(([, value]) => value !== '')
          .map(([name, value]) => ({ name, value }));
        labels.push({ name: '__name__', value: k6RemoteWriteName(sample.metric, type) });
        labels.sort((a, b) => (a.name < b.name ? -1 : 1));
        this.series.set(key, (series = { labels, type, value: 0, sampled: false }));
      }
      series.value = type === 'counter' ? series.value + Number(sample.value) : Number(sample.value);
      series.sampled = true;
    }
  }

  /** Pushes the series sampled since the last push (pushes run one after another); resolves with their number. */
  push(): Promise<number> {
    const pushed = this.pushing.then(() => this.send());
    this.pushing = pushed.then(() => undefined);
    return pushed;
  }

  private async send(): Promise<number> {
    const timestamp = Date.now();
    const due = [...this.series.values()].filter((series) => series.sampled);
    if (due.length === 0) return 0;
    const request = WRITE_REQUEST.create({ timeseries: due.map((series) => ({ labels: series.labels, samples: [{ value: series.value, timestamp }] })) });
    due.forEach((series) => (series.sampled = false));
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
      body: compress(WRITE_REQUEST.encode(request).finish()),
    });
    if (response.status !== 204) throw new Error(`remote write: ${response.status} ${await response.text()}`);
    return due.length;
  }
}
