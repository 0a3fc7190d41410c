import type { TopLevelSpec } from 'vega-lite';
import type { Summary } from '../metrics/summary.ts';

/**
 * The `load` section drive mode (and k6) add to summary.json: intended and achieved request rates,
 * latency measured from the intended send time, errors by kind, and a per-second timeline.
 */
export interface LoadFigures {
  intendedRps: number;
  achievedRps: number;
  /** Requests that could not be sent at their intended instant. */
  late: number;
  driverLagMsP99: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  errors: Record<string, number>;
  timeline: LoadSecond[];
}

export interface LoadSecond {
  second: number;
  intendedRps: number;
  achievedRps: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
}

/** A summary as the report reads it: every run's figures, plus `load` when the run drove a server. */
export type ReportSummary = Omit<Summary, 'load'> & { load?: LoadFigures };

/** One chart of a report: its title is drawn in the SVG, its reading guide is printed under it. */
export interface ChartDefinition {
  /** Stable id, used as the figure's HTML id (tests find charts by it). */
  id: string;
  title: string;
  /** One line telling a reader how to read the chart. */
  guide: string;
  spec: TopLevelSpec;
}

/** A row of the headline table at the top of a report. */
export interface HeadlineRow {
  label: string;
  value: string;
  /** e.g. a 95 % interval, or what the figure counts. */
  note?: string;
}
