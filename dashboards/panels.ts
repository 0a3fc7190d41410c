import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import {
  BarGaugeDisplayMode,
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VizLegendOptionsBuilder,
  VizOrientation,
} from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as HeatmapBuilder } from '@grafana/grafana-foundation-sdk/heatmap';
import type { CauseClass, Intent, SampleModality } from '../scenarios/vocabulary.ts';

/**
 * What every checkin-sim dashboard shares: the Prometheus data source variable, the `scenario` and
 * `run` label variables, the label filter each query starts from, and small constructors for the
 * panels the dashboards use. Queries are plain PromQL strings; the end-to-end test runs each of them
 * against a real Prometheus scraping a drive run.
 */

/** Every panel and query reads from the data source chosen in `$datasource`. */
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** The series every harness run exposes; the `scenario` and `run` variables list its label values. */
const RUN_METRIC = 'checkin_harness_requests_sent_total';

/** The label filter of every query: the chosen run of the chosen scenario. */
const RUN = 'run=~"$run",scenario=~"$scenario"';

/** `{run…, extra}`: the run filter plus more matchers. */
export function sel(extra?: string): string {
  return extra ? `{${RUN},${extra}}` : `{${RUN}}`;
}

/** `rate(name{run…, extra}[$__rate_interval])`. */
export function rate(name: string, extra?: string): string {
  return `rate(${name}${sel(extra)}[$__rate_interval])`;
}

/** `intent="…"`: one ground-truth intent of the vocabulary (scenarios/vocabulary.ts). */
export function intentIs(intent: Intent): string {
  return `intent="${intent}"`;
}

/** `modality="…"`: what a sample is (face, voice), in the vocabulary's words. */
export function modalityIs(modality: SampleModality): string {
  return `modality="${modality}"`;
}

/** `class="…"`: one cause class of the vocabulary. */
export function classIs(causeClass: CauseClass): string {
  return `class="${causeClass}"`;
}

/** `label=~"a|b|…"`: any of these words of the vocabulary. */
export function oneOf(label: string, values: readonly string[]): string {
  return `${label}=~"${values.join('|')}"`;
}

/** A quantile of a classic histogram over the rate interval, summed over everything but `le` and `by`. */
export function quantile(q: number, histogram: string, extra?: string, by: string[] = []): string {
  return `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (${rate(`${histogram}_bucket`, extra)}))`;
}

interface Query {
  expr: string;
  legend?: string;
  /** Query the latest value only (stat and bar gauge panels). */
  instant?: boolean;
  /** Prometheus `le` buckets for heatmaps and bar gauges of a distribution. */
  heatmap?: boolean;
}

function target(query: Query, index: number): DataqueryBuilder {
  const builder = new DataqueryBuilder()
    .datasource(DATASOURCE)
    .refId(String.fromCharCode(65 + index))
    .expr(query.expr)
    .legendFormat(query.legend ?? '__auto');
  if (query.instant) builder.instant();
  else builder.range();
  if (query.heatmap) builder.format(PromQueryFormat.Heatmap);
  return builder;
}

interface PanelCommon {
  title: string;
  description: string;
  queries: Query[];
  unit?: string;
  /** Width in grid columns (of 24). */
  span?: number;
  height?: number;
}

type Panel = TimeseriesBuilder | StatBuilder | BarGaugeBuilder | HeatmapBuilder;

function common<T extends Panel>(panel: T, options: PanelCommon): T {
  panel
    .title(options.title)
    .description(options.description)
    .datasource(DATASOURCE)
    .span(options.span ?? 12)
    .height(options.height ?? 8);
  options.queries.forEach((query, index) => panel.withTarget(target(query, index)));
  if (options.unit) panel.unit(options.unit);
  return panel;
}

/** A time series panel, legend as a table with the last and largest values. */
export function timeseries(options: PanelCommon & { stacked?: boolean; min?: number }): TimeseriesBuilder {
  const panel = common(new TimeseriesBuilder(), options)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Bottom).calcs(['lastNotNull', 'max']))
    .fillOpacity(options.stacked ? 40 : 10)
    .lineWidth(1);
  if (options.stacked) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  if (options.min !== undefined) panel.min(options.min);
  return panel;
}

/** One or a few big numbers: the latest value of each instant query. */
export function stat(options: PanelCommon & { decimals?: number }): StatBuilder {
  const panel = common(new StatBuilder(), { height: 8, span: 12, ...options, queries: options.queries.map((query) => ({ ...query, instant: true })) })
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  if (options.decimals !== undefined) panel.decimals(options.decimals);
  return panel;
}

/** Horizontal bars: the latest value of each series (a breakdown, or a distribution's buckets). */
export function bars(options: PanelCommon): BarGaugeBuilder {
  return common(new BarGaugeBuilder(), { ...options, queries: options.queries.map((query) => ({ ...query, instant: true })) })
    .orientation(VizOrientation.Horizontal)
    .displayMode(BarGaugeDisplayMode.Basic)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .showUnfilled(true)
    .min(0);
}

/** A heatmap of a histogram's buckets over time (Prometheus `le` buckets, not recalculated). */
export function heatmap(options: PanelCommon & { yUnit?: string }): HeatmapBuilder {
  return common(new HeatmapBuilder(), { ...options, queries: options.queries.map((query) => ({ ...query, heatmap: true })) })
    .calculate(false)
    .showLegend();
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  rows: { title: string; panels: Panel[] }[];
}

/** A dashboard with the shared variables, links to the other checkin-sim dashboards, and stable panel ids. */
export function dashboard(spec: DashboardSpec): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['checkin-sim'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .timezone('browser')
    .time({ from: 'now-15m', to: 'now' })
    .refresh('5s')
    .link(new DashboardLinkBuilder('checkin-sim').type(DashboardLinkType.Dashboards).tags(['checkin-sim']).asDropdown(true).includeVars(true).keepTime(true))
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(labelVariable('scenario', 'Scenario', `label_values(${RUN_METRIC}, scenario)`, true))
    .withVariable(labelVariable('run', 'Run', `label_values(${RUN_METRIC}{scenario=~"$scenario"}, run)`, false));
  let id = 0;
  for (const row of spec.rows) {
    builder.withRow(new RowBuilder(row.title).id(++id));
    for (const panel of row.panels) builder.withPanel(panel.id(++id));
  }
  return builder.build();
}

function labelVariable(name: string, label: string, query: string, includeAll: boolean): QueryVariableBuilder {
  const variable = new QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalDesc)
    .includeAll(includeAll);
  if (includeAll) variable.allValue('.*');
  return variable;
}
