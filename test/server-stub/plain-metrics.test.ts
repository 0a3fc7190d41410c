import { Counter, Histogram, Registry } from 'prom-client';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { PlainCounter, PlainHistogram } from '../../server-stub/plain-metrics.ts';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LABEL_SETS = [
  ['POST', '/v1/participants/:id/checkins', '201'],
  ['GET', '/metrics', '200'],
  ['POST', '/v1/participants/:id/checkins', '409'],
];

describe('plain metrics', () => {
  it('print what prom-client prints had it observed every value itself', async () => {
    const reference = new Registry();
    const plain = new Registry();
    const histogram = new Histogram({ name: 'h_seconds', help: 'help', labelNames: ['method', 'route', 'status_code'], buckets: BUCKETS, registers: [reference] });
    const counter = new Counter({ name: 'c_total', help: 'help', labelNames: ['modality', 'outcome'], registers: [reference] });
    const plainHistogram = new PlainHistogram({ name: 'h_seconds', help: 'help', labelNames: ['method', 'route', 'status_code'], buckets: BUCKETS, registers: [plain] });
    const plainCounter = new PlainCounter({ name: 'c_total', help: 'help', labelNames: ['modality', 'outcome'], registers: [plain] });
    const random = seedrandom.alea('plain-metrics');
    // Values on the bounds, between them, above the last and negative.
    const values = [...BUCKETS, 0, -1, 11, 1e9, ...Array.from({ length: 500 }, () => random() ** 4 * 12)];
    values.forEach((value, index) => {
      const labels = LABEL_SETS[index % LABEL_SETS.length]!;
      histogram.labels(...labels).observe(value);
      plainHistogram.labels(...labels).observe(value);
      const outcome = index % 7 === 0 ? 'not_live' : 'match';
      counter.labels('face', outcome).inc();
      plainCounter.labels('face', outcome).value++;
    });
    expect(await plain.metrics()).toBe(await reference.metrics());
  });

  it('print nothing for a metric with no series yet, as prom-client does', async () => {
    const reference = new Registry();
    const plain = new Registry();
    new Histogram({ name: 'h', help: 'help', labelNames: ['modality'], buckets: [0, 1], registers: [reference] });
    new PlainHistogram({ name: 'h', help: 'help', labelNames: ['modality'], buckets: [0, 1], registers: [plain] });
    expect(await plain.metrics()).toBe(await reference.metrics());
  });
});
