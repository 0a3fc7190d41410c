import type { TopLevelSpec } from 'vega-lite';
import { CAUSE_CLASSES, CAUSE_CLASS_OF, type CauseClass } from '../../scenarios/vocabulary.ts';
import { SEGMENT_DIMENSIONS } from '../metrics/segments.ts';
import { ALL_CAUSES, CAUSES_BY_CLASS, CLASS_COLOURS, CLASS_LABEL, classRows } from './cause-classes.ts';
import { CLASS_COLOUR, CLASS_LABELS, causeLabel, lines, round } from './chart-helpers.ts';
import { detChart, type RunThresholds } from './det-chart.ts';
import { wilson, wilsonRate } from '../metrics/intervals.ts';
import type { ChartDefinition } from './report-types.ts';
import type { Summary } from '../metrics/summary.ts';
import type { LoadSummary } from '../metrics/load-metrics.ts';

const WIDTH = 460;
/** Plot width of charts with long labels on the y axis. */
const NARROW = 280;
/** Above this many days, daily series are drawn as areas rather than one bar per day. */
const BARS_UP_TO_DAYS = 90;

/** The charts of one run's report, in reading order: false failures by class (system first) lead. */
export function runCharts(summary: Summary, thresholds?: RunThresholds): ChartDefinition[] {
  return [
    classesChart(summary),
    causesChart(summary),
    dailyClassesChart(summary),
    dailyWindowsChart(summary),
    segmentsChart(summary),
    peopleAffectedChart(summary),
    escalationsChart(summary),
    detectionChart(summary),
    detChart(summary, thresholds),
    ...(summary.load ? [throughputChart(summary.load), latencyChart(summary.load)] : []),
  ];
}

/** Which cause class a chart row is, and its place in the fixed class order (system first). */
function classField(causeClass: CauseClass): { class: string; classOrder: number } {
  return { class: CLASS_LABEL[causeClass], classOrder: CAUSE_CLASSES.indexOf(causeClass) };
}

function classesChart(summary: Summary): ChartDefinition {
  const complied = summary.windows.complied;
  const values = classRows(summary).flatMap((row) => {
    const estimate = wilsonRate(row.total, complied);
    if (estimate === null) return [];
    return [{ ...classField(row.causeClass), falseFailures: row.total, rate: round(100 * estimate.value), low: round(100 * estimate.low), high: round(100 * estimate.high) }];
  });
  const title = 'False failures by class: whose failure';
  const y = { field: 'class', type: 'nominal', sort: [...CLASS_LABELS], title: 'class (whose failure)' } as const;
  const x = { field: 'rate', type: 'quantitative', title: lines('false failures', '(% of windows answered in good faith, 95 % interval)') } as const;
  return {
    id: 'false-failures-by-class',
    title,
    guide: "Each bar is the share of windows answered in good faith that failed, by whose failure it was, with its 95 % interval (thin line) and count: system, the headline, is the programme's technology failing people who acted in time; person is people who saw the prompt and did not answer.",
    spec: {
      title,
      width: NARROW,
      height: { step: 24 },
      data: { values },
      layer: [
        { mark: { type: 'bar' }, encoding: { y, x, color: { ...CLASS_COLOUR, legend: null } } },
        { mark: { type: 'rule', color: '#333' }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { y, x: { field: 'high', type: 'quantitative' }, text: { field: 'falseFailures', type: 'quantitative', format: ',' } } },
      ],
    },
  };
}

function causesChart(summary: Summary): ChartDefinition {
  const complied = summary.windows.complied;
  // Grouped by class (system first), then by count within a class.
  const values = CAUSES_BY_CLASS.map((cause) => ({ cause: causeLabel(cause), ...classField(CAUSE_CLASS_OF[cause]), falseFailures: summary.falseFailures.byCause[cause] ?? 0 }))
    .filter((row) => row.falseFailures > 0 && complied > 0)
    .sort((a, b) => a.classOrder - b.classOrder || b.falseFailures - a.falseFailures)
    .map((row) => ({ ...row, rate: round((100 * row.falseFailures) / complied) }));
  const title = 'False failures by cause, coloured by class';
  const y = { field: 'cause', type: 'nominal', sort: null, title: 'stage that failed' } as const;
  const x = { field: 'rate', type: 'quantitative', title: lines('false failures', '(% of windows answered in good faith)') } as const;
  return {
    id: 'false-failures-by-cause',
    title,
    guide: 'Each bar is the share of windows answered in good faith that still failed, by the stage that failed (count at the end of the bar), grouped and coloured by class: the longest red bars are where a fix to the technology spares most people.',
    spec: {
      title,
      width: NARROW,
      height: Math.max(120, 18 * values.length),
      data: { values },
      layer: [
        { mark: { type: 'bar' }, encoding: { y, x, color: { ...CLASS_COLOUR, legend: { orient: 'bottom', columns: 2, titleLimit: 300 } } } },
        { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 }, encoding: { y, x, text: { field: 'falseFailures', type: 'quantitative', format: ',' } } },
      ],
    },
  };
}

function dailyClassesChart(summary: Summary): ChartDefinition {
  const values = summary.daily.flatMap((day) =>
    day.windows === 0
      ? []
      : CAUSE_CLASSES.map((causeClass) => ({ day: day.day, end: day.day + 1, ...classField(causeClass), rate: round((100 * (day.byClass[causeClass] ?? 0)) / day.windows) })),
  );
  const title = 'False-failure rate over time, by class';
  const bars = summary.days <= BARS_UP_TO_DAYS;
  return {
    id: 'false-failures-over-time',
    title,
    guide: "Each day's false failures as a share of that day's windows answered in good faith, stacked by class with system at the bottom: a spike in the system class is a correlated failure of the technology (an outage, a bad release).",
    spec: {
      title,
      width: WIDTH,
      height: 220,
      data: { values },
      mark: bars ? { type: 'bar' } : { type: 'area' },
      encoding: {
        x: bars
          ? { field: 'day', type: 'quantitative', bin: { binned: true, step: 1 }, title: 'day of the period (days since the start)' }
          : { field: 'day', type: 'quantitative', title: 'day of the period (days since the start)' },
        ...(bars ? { x2: { field: 'end' } } : {}),
        y: { field: 'rate', type: 'quantitative', stack: 'zero', title: lines('false failures', '(% of the day’s windows)') },
        color: { ...CLASS_COLOUR, legend: { orient: 'bottom', columns: 2, titleLimit: 300 } },
        order: { field: 'classOrder', type: 'quantitative' },
      },
    } as TopLevelSpec,
  };
}

function dailyWindowsChart(summary: Summary): ChartDefinition {
  const values = summary.daily.map((day) => ({ day: day.day, end: day.day + 1, windows: day.windows }));
  const title = 'Windows answered in good faith, per day';
  const bars = summary.days <= BARS_UP_TO_DAYS;
  return {
    id: 'windows-per-day',
    title,
    guide: 'How many check-in windows opened each day for people answering in good faith: a growing fleet, a weekly rush or the end of the period shows here.',
    spec: {
      title,
      width: WIDTH,
      height: 160,
      data: { values },
      mark: bars ? { type: 'bar', color: '#4c78a8' } : { type: 'area', color: '#4c78a8' },
      encoding: {
        x: bars
          ? { field: 'day', type: 'quantitative', bin: { binned: true, step: 1 }, title: 'day of the period (days since the start)' }
          : { field: 'day', type: 'quantitative', title: 'day of the period (days since the start)' },
        ...(bars ? { x2: { field: 'end' } } : {}),
        y: { field: 'windows', type: 'quantitative', title: 'windows (count)' },
      },
    } as TopLevelSpec,
  };
}

function segmentsChart(summary: Summary): ChartDefinition {
  const measures = [CLASS_LABEL.system, ALL_CAUSES];
  const values = SEGMENT_DIMENSIONS.flatMap((dimension) =>
    dimension.labels.flatMap((label) => {
      const figures = summary.falseFailures.bySegment[`${dimension.name}:${label}`];
      const estimate = figures && wilsonRate(figures.byClass.system.total, figures.windows);
      if (!figures || !estimate) return [];
      const segment = `${dimension.name}: ${label}`;
      return [
        { segment, measure: measures[0], rate: round(100 * estimate.value), low: round(100 * estimate.low), high: round(100 * estimate.high) },
        { segment, measure: measures[1], rate: round((100 * figures.falseFailures) / figures.windows) },
      ];
    }),
  );
  const title = 'False-failure rate, system, by segment';
  const y = { field: 'segment', type: 'nominal', sort: null, title: 'group (dimension: value)' } as const;
  const x = { field: 'rate', type: 'quantitative', title: lines('false failures', '(% of the group’s good-faith windows, 95 % interval)') } as const;
  const color = { field: 'measure', type: 'nominal', title: 'false failures', scale: { domain: measures, range: [CLASS_COLOURS.system, '#333'] }, legend: { orient: 'bottom' } } as const;
  const only = (measure: string) => [{ filter: { field: 'measure', equal: measure } }];
  return {
    id: 'system-rate-by-segment',
    title,
    guide: "Each bar is the share of a group's windows answered in good faith that the technology failed (system class), with its 95 % interval (thin line); the dark tick is the rate of all causes, people who did not answer included: bars further right are groups the technology fails more.",
    spec: {
      title,
      width: NARROW,
      height: { step: 14 },
      data: { values },
      layer: [
        { transform: only(measures[0]!), mark: { type: 'bar', opacity: 0.85 }, encoding: { y, x, color } },
        { transform: only(measures[0]!), mark: { type: 'rule', color: '#7a1f1f' }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
        { transform: only(measures[1]!), mark: { type: 'tick', thickness: 2 }, encoding: { y, x, color } },
      ],
    } as TopLevelSpec,
  };
}

function peopleAffectedChart(summary: Summary): ChartDefinition {
  const values = SEGMENT_DIMENSIONS.flatMap((dimension) =>
    dimension.labels.flatMap((label) => {
      const figures = summary.peopleAffected.bySegment[`${dimension.name}:${label}`];
      if (!figures || figures.people === 0) return [];
      const estimate = wilson(figures.affected, figures.people);
      return [
        {
          segment: `${dimension.name}: ${label}`,
          dimension: dimension.name,
          share: round(100 * estimate.value),
          low: round(100 * estimate.low),
          high: round(100 * estimate.high),
        },
      ];
    }),
  );
  const title = 'People affected (any cause), by segment';
  const y = { field: 'segment', type: 'nominal', sort: null, title: 'group (dimension: value)' } as const;
  return {
    id: 'people-affected-by-segment',
    title,
    guide: "Share of each group's participants with at least one false failure of any class in the period, with its 95 % interval (the thin line): groups further right carry more of the burden, whoever's failure it was.",
    spec: {
      title,
      width: NARROW,
      height: { step: 14 },
      data: { values },
      layer: [
        {
          mark: { type: 'bar', opacity: 0.85 },
          encoding: {
            y,
            x: { field: 'share', type: 'quantitative', title: lines('people with ≥ 1 false failure, any cause', '(% of the group, 95 % interval)') },
            color: { field: 'dimension', type: 'nominal', legend: null, scale: { scheme: 'tableau10' } },
          },
        },
        { mark: { type: 'rule', color: '#333' }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      ],
    },
  };
}

function escalationsChart(summary: Summary): ChartDefinition {
  const kinds = ['had absconded', 'compliant: false escalation'];
  const values = summary.daily.flatMap((day) => [
    { day: day.day, end: day.day + 1, kind: kinds[0], escalations: day.escalations - day.falseEscalations },
    { day: day.day, end: day.day + 1, kind: kinds[1], escalations: day.falseEscalations },
  ]);
  const title = 'Escalations to an officer, per day';
  const subtitle = `${summary.escalations.total.toLocaleString('en-US')} in the period, of which ${summary.escalations.false.toLocaleString('en-US')} false`;
  const bars = summary.days <= BARS_UP_TO_DAYS;
  return {
    id: 'escalations-per-day',
    title,
    guide: 'Officer alerts raised each day, split by whether the person had really stopped checking in: the red part is compliant people flagged after false failures (of any class: the technology, their phone, the schedule or a missed prompt).',
    spec: {
      title: { text: title, subtitle },
      width: WIDTH,
      height: 180,
      data: { values },
      mark: bars ? { type: 'bar' } : { type: 'area' },
      encoding: {
        x: bars
          ? { field: 'day', type: 'quantitative', bin: { binned: true, step: 1 }, title: 'day of the period (days since the start)' }
          : { field: 'day', type: 'quantitative', title: 'day of the period (days since the start)' },
        ...(bars ? { x2: { field: 'end' } } : {}),
        y: { field: 'escalations', type: 'quantitative', stack: 'zero', title: 'escalations (count)' },
        color: { field: 'kind', type: 'nominal', title: 'escalated person', scale: { domain: kinds, range: ['#4c78a8', '#e45756'] }, legend: { orient: 'bottom' } },
      },
    } as TopLevelSpec,
  };
}

function detectionChart(summary: Summary): ChartDefinition {
  const { quantiles } = summary.escalations.detectionDelayHours;
  const values = quantiles.length === 0 ? [] : [{ hours: 0, share: 0 }, ...quantiles.map((row) => ({ hours: row.hours, share: round(100 * row.quantile) }))];
  const { detected, followed, notYetDue } = summary.escalations;
  const title = 'Time to detect an absconder';
  const subtitle = `${detected.toLocaleString('en-US')} of ${followed.toLocaleString('en-US')} followed absconders detected; ${notYetDue.toLocaleString('en-US')} not yet due`;
  return {
    id: 'detection-delay',
    title,
    guide: 'How long after someone stops checking in the policy escalates them, over absconders followed for at least two check-in intervals: read the hours at which the curve crosses 50 % or 90 %; absconders not detected by the end of the period are not in the curve.',
    spec: {
      title: { text: title, subtitle },
      width: WIDTH,
      height: 180,
      data: { values },
      mark: { type: 'line', interpolate: 'step-after', point: true, color: '#4c78a8' },
      encoding: {
        x: { field: 'hours', type: 'quantitative', title: 'hours from absconding to escalation (h)', ...(values.length === 0 ? { scale: { domain: [0, 1] } } : {}) },
        y: { field: 'share', type: 'quantitative', title: lines('detected absconders', '(% detected by then)'), scale: { domain: [0, 100] } },
      },
    },
  };
}

function throughputChart(load: LoadSummary): ChartDefinition {
  const series = ['intended', 'achieved', 'errors'];
  const values = load.timeline.flatMap((row) => [
    { second: row.second, series: 'intended', rps: round(row.intendedRps, 2) },
    { second: row.second, series: 'achieved', rps: round(row.achievedRps, 2) },
    { second: row.second, series: 'errors', rps: round(row.errors, 2) },
  ]);
  const title = 'Throughput over time';
  return {
    id: 'load-throughput',
    title,
    guide: 'Requests per second the schedule asked for (intended), the server answered (achieved) and that failed (errors): achieved below intended means the server, or the driver, fell behind.',
    spec: {
      title: { text: title, subtitle: 'intended, achieved and failed requests' },
      width: WIDTH,
      height: 200,
      data: { values },
      mark: { type: 'line', interpolate: 'monotone' },
      encoding: {
        x: { field: 'second', type: 'quantitative', title: 'time since the start of the run (s, wall clock)' },
        y: { field: 'rps', type: 'quantitative', title: 'requests per second (req/s)' },
        color: { field: 'series', type: 'nominal', title: 'requests', scale: { domain: series, range: ['#9d9d9d', '#4c78a8', '#e45756'] }, legend: { orient: 'bottom' } },
      },
    },
  };
}

function latencyChart(load: LoadSummary): ChartDefinition {
  const series = ['p50', 'p99'];
  const values = load.timeline.flatMap((row) => [
    { second: row.second, series: 'p50', ms: round(row.latencyP50Ms, 2) },
    { second: row.second, series: 'p99', ms: round(row.latencyP99Ms, 2) },
  ]);
  const title = 'Latency over time';
  return {
    id: 'load-latency',
    title,
    guide: 'Median and 99th-percentile latency of each second, measured from when a request should have been sent (so queueing in the server or the driver counts): a rising p99 is the first sign of overload.',
    spec: {
      title: { text: title, subtitle: 'p50 and p99 of each second, from the intended send time' },
      width: WIDTH,
      height: 200,
      data: { values },
      mark: { type: 'line', interpolate: 'monotone' },
      encoding: {
        x: { field: 'second', type: 'quantitative', title: 'time since the start of the run (s, wall clock)' },
        y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
        color: { field: 'series', type: 'nominal', title: 'percentile', scale: { domain: series, range: ['#4c78a8', '#e45756'] }, legend: { orient: 'bottom' } },
      },
    },
  };
}
