import type { TopLevelSpec } from 'vega-lite';

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
