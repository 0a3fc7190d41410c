import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { buildRunReport } from '../../sim/report/run-report.ts';
import { loadFixture } from '../sim/report/report-fixtures.ts';
import type { Summary } from '../../sim/metrics/summary.ts';

/**
 * Opens generated reports in Chromium (the Debian package, driven by playwright-core) with the network
 * off, and checks what a person would see: every chart drawn with its axes, no console error, no
 * request leaving the page. Screenshots are kept under out/e2e/ as CI artifacts.
 */
const CHROMIUM = '/usr/bin/chromium';
const OUT = resolve('out/e2e');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface PageCheck {
  /** The labels of the headline table, in order. */
  headline: string[];
  charts: { id: string; title: string; axes: string[]; caption: string; width: number; height: number }[];
  consoleErrors: string[];
  requests: string[];
}

let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
  // A fresh profile for every run (nothing cached or remembered from an earlier one), offline, and
  // without JavaScript: the report needs none.
  profile = mkdtempSync(join(tmpdir(), 'checkin-sim-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    offline: true,
    javaScriptEnabled: false,
    viewport: { width: 1240, height: 900 },
  });
});

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function openReport(file: string, screenshot: string): Promise<PageCheck> {
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const page = await browser.newPage();
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('requestfailed', (request) => requests.push(`failed: ${request.url()}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const charts = await page.$$eval('figure.chart', (figures) =>
    figures.map((figure) => {
      const svg = figure.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      return {
        id: figure.id,
        title: svg?.querySelector('.role-title-text text')?.textContent ?? '',
        axes: [...(svg?.querySelectorAll('g[aria-roledescription="axis"]') ?? [])].map((axis) => axis.querySelector('.role-axis-title text')?.textContent ?? ''),
        caption: figure.querySelector('figcaption')?.textContent ?? '',
        width: box?.width ?? 0,
        height: box?.height ?? 0,
      };
    }),
  );
  const headline = await page.$$eval('section.headline th[scope="row"]', (cells) => cells.map((cell) => cell.textContent ?? ''));
  mkdirSync(join(screenshot, '..'), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return { headline, charts, consoleErrors, requests };
}

function expectEveryChartDrawn(check: PageCheck, ids: readonly string[]): void {
  expect(check.charts.map((chart) => chart.id)).toEqual(ids.map((id) => `chart-${id}`));
  for (const chart of check.charts) {
    expect(chart.title, chart.id).not.toBe('');
    expect(chart.axes.length, `${chart.id}: axes`).toBeGreaterThanOrEqual(2);
    for (const axis of chart.axes) expect(axis, `${chart.id}: an axis without a title`).not.toBe('');
    expect(chart.caption.length, chart.id).toBeGreaterThan(40);
    expect(chart.width, `${chart.id}: drawn width`).toBeGreaterThan(200);
    expect(chart.height, `${chart.id}: drawn height`).toBeGreaterThan(100);
  }
  expect(check.consoleErrors).toEqual([]);
  expect(check.requests).toEqual([]);
}

describe('report in a browser, network off', () => {
  it('shows every chart of a run report with its axes, and saves a screenshot', async () => {
    const out = join(OUT, 'run');
    const result = runCli(['run', 'scenarios/backend-outage.yaml', '--participants', '3000', '--days', '14', '--seed', '7', '--workers', '2', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const check = await openReport(join(out, 'report.html'), join(out, 'report.png'));
    expectEveryChartDrawn(check, [
      'false-failures-by-class',
      'false-failures-by-cause',
      'false-failures-over-time',
      'windows-per-day',
      'system-rate-by-segment',
      'people-affected-by-segment',
      'escalations-per-day',
      'detection-delay',
      'det-curve',
    ]);
    // The headline a person reads first is the system rate; the all-cause rate comes after the classes.
    expect(check.headline.slice(0, 5)).toEqual([
      'false-failure rate, system (technology)',
      'false-failure rate, device (phone unusable)',
      'false-failure rate, schedule (window placement)',
      'false-failure rate, person (did not answer)',
      'false-failure rate, all causes',
    ]);
    const byClass = check.charts.find((chart) => chart.id === 'chart-false-failures-by-class')!;
    expect(byClass.axes).toContain('class (whose failure)');
    expect(readFileSync(join(out, 'report.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('shows the sweep report with its DET curve and its threshold trade-off', async () => {
    const out = join(OUT, 'sweep');
    const result = runCli(['sweep', 'scenarios/threshold-sweep.yaml', '--grid', 'policy.faceThreshold=0.2,0.325,0.45', '--grid', 'behaviour.impostorPerWindow=0.05', '--participants', '1500', '--days', '14', '--workers', '2', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const check = await openReport(join(out, 'report.html'), join(out, 'report.png'));
    expectEveryChartDrawn(check, ['sweep-system-rate', 'sweep-all-causes-rate', 'sweep-people-affected', 'sweep-false-escalations', 'sweep-false-accept-rate', 'sweep-study-false-match', 'sweep-det-curve', 'sweep-threshold-frontier']);
    expect(check.charts[0]!.title).toBe('False-failure rate, system (technology), across the grid');
    expect(check.headline.slice(1, 3)).toEqual(['lowest false-failure rate, system', 'highest false-failure rate, system']);
  });

  it('shows throughput and latency over time for a drive-mode summary', async () => {
    const out = join(OUT, 'drive');
    mkdirSync(out, { recursive: true });
    const summary = JSON.parse(readFileSync(join(OUT, 'run', 'summary.json'), 'utf8')) as Summary;
    writeFileSync(join(out, 'report.html'), await buildRunReport({ ...summary, mode: 'drive', load: loadFixture() }));
    const check = await openReport(join(out, 'report.html'), join(out, 'report.png'));
    expect(check.charts.map((chart) => chart.id).slice(-2)).toEqual(['chart-load-throughput', 'chart-load-latency']);
    expectEveryChartDrawn(check, check.charts.map((chart) => chart.id.replace(/^chart-/, '')));
  });
});
