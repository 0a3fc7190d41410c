import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/**
 * Writes the picture of the report in docs/running.md, sim/report/example-report.png, from a report.html:
 *
 *   npm start    # the baseline, 125,000 participants × 30 days: out/baseline-seed42/report.html
 *   node --import tsx test/browser/write-example-picture.ts out/baseline-seed42/report.html
 *
 * The picture shows the top of the page (headline figures and the first charts), as a reader first sees it.
 */
const [report = 'out/baseline-seed42/report.html', picture = 'sim/report/example-report.png'] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'checkin-sim-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  headless: true,
  offline: true,
  javaScriptEnabled: false,
  viewport: { width: 1240, height: 1500 },
});
try {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(resolve(report)).href);
  await page.screenshot({ path: picture, clip: { x: 0, y: 0, width: 1240, height: 1500 } });
  process.stdout.write(`wrote ${picture}\n`);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
