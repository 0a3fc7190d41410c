import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { substitute, type PanelQuery } from '../dashboards/dashboard-queries.ts';
import { stopChild } from '../../sim/drive/server-process.ts';
import { prometheusBinary } from './promtool.ts';

/**
 * What the end-to-end dashboard tests share: Debian's prometheus on a free loopback port with its own
 * config and storage, Prometheus's HTTP API, and a panel query run as Grafana runs it.
 */

const COMMITTED_CONFIG = fileURLToPath(new URL('../../dashboards/provisioning/prometheus.yml', import.meta.url));
/** Grafana's $__rate_interval for a 1 s scrape interval is max(4 × 1 s, step + 1 s): 4 s at 1 s steps; a little more for slack. */
export const RATE_INTERVAL = '5s';

export interface PrometheusConfig {
  global: Record<string, unknown>;
  rule_files: string[];
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[]; http_sd_configs?: { url: string }[] }[];
}

/** dashboards/provisioning/prometheus.yml, its rule files made absolute so that the config can be written anywhere. */
export function committedConfig(): PrometheusConfig {
  const config = parse(readFileSync(COMMITTED_CONFIG, 'utf8')) as PrometheusConfig;
  return { ...config, rule_files: config.rule_files.map((file) => resolve(dirname(COMMITTED_CONFIG), file)) };
}

export interface RunningPrometheus {
  url: string;
  child: ChildProcess;
}

/** Starts prometheus with this config (written into `dir`, storage there too) and waits until it is ready. */
export async function startPrometheus(dir: string, config: unknown, flags: readonly string[] = []): Promise<RunningPrometheus> {
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    prometheusBinary(),
    [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', ...flags],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const output = capture(child);
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok, 20_000, () => `prometheus: ${output.stderr}`);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { url, child };
}

interface QueryData {
  result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[];
}

export async function api<T>(base: string, path: string, params: Record<string, string>): Promise<T> {
  const response = await fetch(`${base}${path}?${new URLSearchParams(params)}`);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.error ?? response.status}`);
  return body.data;
}

/** `label_values(selector, label)` as Grafana's Prometheus data source runs it. */
export async function labelValues(base: string, variable: { selector: string; label: string }, values: Record<string, string> = {}): Promise<string[]> {
  return api<string[]>(base, `/api/v1/label/${variable.label}/values`, { 'match[]': substitute(variable.selector, values) });
}

/** Runs a panel query with the variables substituted (range, or instant at the end); says what is wrong unless a series has a number in it. */
export async function panelQueryProblem(base: string, query: PanelQuery, values: Record<string, string>, startS: number, endS: number): Promise<string | undefined> {
  const expr = substitute(query.expr, values);
  const data = query.instant
    ? await api<QueryData>(base, '/api/v1/query', { query: expr, time: String(endS) })
    : await api<QueryData>(base, '/api/v1/query_range', { query: expr, start: String(startS), end: String(endS), step: '1' });
  const numbers = data.result.flatMap((series) => (series.values ?? (series.value ? [series.value] : [])).map(([, value]) => Number(value)));
  if (data.result.length === 0) return `${query.dashboard} / ${query.panel} [${query.refId}]: no series for ${expr}`;
  if (!numbers.some(Number.isFinite)) return `${query.dashboard} / ${query.panel} [${query.refId}]: only NaN for ${expr}`;
  return undefined;
}

/** The value of an instant query that gives one series. */
export async function instantValue(base: string, expr: string): Promise<number | undefined> {
  const data = await api<QueryData>(base, '/api/v1/query', { query: expr });
  return data.result.length === 1 ? Number(data.result[0]!.value![1]) : undefined;
}

export function capture(child: ChildProcess): { stdout: string; stderr: string } {
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output.stderr = (output.stderr + chunk.toString()).slice(-20_000)));
  return output;
}

export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs: number, describe: () => string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
