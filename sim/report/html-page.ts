import type { HeadlineRow } from './report-types.ts';

/** A chart ready for the page: its SVG drawing and its reading guide. */
export interface RenderedChart {
  id: string;
  title: string;
  guide: string;
  svg: string;
}

export interface PageContent {
  title: string;
  /** One line under the title: what ran, with which seed. */
  subtitle: string;
  headline: readonly HeadlineRow[];
  charts: readonly RenderedChart[];
  /** Short notes printed at the end (definitions, caveats). */
  notes: readonly string[];
}

/**
 * One self-contained HTML file: inline CSS, inline SVG, no script, no external font, image or
 * link that a browser would fetch. The bytes depend only on the content (no dates, no machine).
 */
export function htmlPage(content: PageContent): string {
  const rows = content.headline
    .map((row) => `<tr><th scope="row">${escapeHtml(row.label)}</th><td>${escapeHtml(row.value)}</td><td class="note">${escapeHtml(row.note ?? '')}</td></tr>`)
    .join('\n');
  const figures = content.charts
    .map(
      (chart) =>
        `<figure class="chart" id="chart-${escapeHtml(chart.id)}" aria-label="${escapeHtml(chart.title)}">\n${chart.svg}\n<figcaption>${escapeHtml(chart.guide)}</figcaption>\n</figure>`,
    )
    .join('\n');
  const notes = content.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(content.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(content.title)}</h1>
<p class="subtitle">${escapeHtml(content.subtitle)}</p>
<p class="synthetic">Synthetic participants only: no real person's data is loaded, stored or shown.</p>
</header>
<main>
<section class="headline" aria-label="headline figures">
<table>
<tbody>
${rows}
</tbody>
</table>
</section>
<section class="charts" aria-label="charts">
${figures}
</section>
<section class="notes" aria-label="notes">
<h2>How these figures are computed</h2>
<ul>
${notes}
</ul>
</section>
</main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const STYLE = `
:root { color-scheme: light; }
body { margin: 0 auto; max-width: 1240px; padding: 24px 28px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d1d1f; background: #fafafa; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0 0 8px; }
.subtitle { margin: 0; color: #444; }
.synthetic { margin: 4px 0 16px; color: #666; font-size: 12px; }
.headline table { border-collapse: collapse; background: white; border: 1px solid #ddd; margin-bottom: 20px; }
.headline th, .headline td { text-align: left; padding: 4px 12px; border-bottom: 1px solid #eee; vertical-align: top; }
.headline th { font-weight: 500; color: #333; }
.headline td { font-variant-numeric: tabular-nums; }
.headline td.note { color: #666; font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 16px; align-items: start; }
figure.chart { margin: 0; padding: 8px; background: white; border: 1px solid #ddd; border-radius: 4px; min-width: 0; }
figure.chart svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { max-width: 560px; color: #444; font-size: 12px; padding: 4px 8px 2px; }
.notes { margin-top: 24px; color: #444; font-size: 12px; }
.notes ul { padding-left: 18px; }
`;
