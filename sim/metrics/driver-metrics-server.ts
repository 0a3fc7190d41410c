import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DriverMetrics } from './driver-prometheus.ts';

export interface DriverMetricsEndpoint {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  close(): Promise<void>;
}

/** One Prometheus HTTP service-discovery target group (https://prometheus.io/docs/prometheus/latest/http_sd/). */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * Serves the driver's metrics while a drive run lasts:
 * - `GET /metrics`: the exposition, labelled with `run` and `scenario`;
 * - `GET /targets`: Prometheus HTTP service discovery of the server being driven, whose own
 *   `/metrics` knows nothing of runs: the target group carries the `run` and `scenario` labels, so
 *   Prometheus attaches them to every server series it scrapes, and finds the child server's port.
 *   Empty until the run has started.
 */
export function serveDriverMetrics(metrics: DriverMetrics, port: number, host: string): Promise<DriverMetricsEndpoint> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || (path !== '/metrics' && path !== '/targets')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics or /targets\n');
      return;
    }
    if (path === '/targets') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(serverTargets(metrics)));
      return;
    }
    metrics.exposition().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${String(error)}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({ url: `http://${shownHost}:${address.port}`, close: () => closeServer(server) });
    });
  });
}

/** The driven server as an HTTP SD target group, labelled with the run. */
export function serverTargets(metrics: DriverMetrics): TargetGroup[] {
  const target = metrics.target;
  if (target === undefined) return [];
  const url = new URL(target);
  return [
    {
      targets: [url.host],
      labels: { __scheme__: url.protocol.replace(':', ''), __metrics_path__: `${url.pathname.replace(/\/$/, '')}/metrics`, ...metrics.labels },
    },
  ];
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export interface LiveDriverMetrics {
  readonly metrics: DriverMetrics;
  readonly endpoint: DriverMetricsEndpoint;
  /** Keeps the endpoint up `lingerS` more seconds (so the last counts get scraped), then closes it. */
  finish(lingerS: number): Promise<void>;
}

/** The driver's metrics for one drive run, served at `host:port` until `finish`. */
export async function startLiveDriverMetrics(metrics: DriverMetrics, port: number, host: string): Promise<LiveDriverMetrics> {
  const endpoint = await serveDriverMetrics(metrics, port, host);
  return {
    metrics,
    endpoint,
    async finish(lingerS) {
      if (lingerS > 0) await new Promise((resolve) => setTimeout(resolve, lingerS * 1000));
      await endpoint.close();
    },
  };
}
