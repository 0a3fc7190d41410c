import { collectDefaultMetrics, type Registry } from 'prom-client';

/** prom-client's default metrics that break Prometheus naming (gauges named `_total`: promtool rejects them). */
const NON_CONFORMING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** prom-client's default process metrics (CPU, memory, GC, event-loop lag), less the ones that break naming conventions. */
export function collectProcessMetrics(registry: Registry, prefix = ''): void {
  collectDefaultMetrics({ register: registry, prefix });
  for (const name of NON_CONFORMING_DEFAULTS) registry.removeSingleMetric(`${prefix}${name}`);
}
