import Table from 'cli-table3';
import type { Comparison, FigureComparison } from './compare-summaries.ts';

/** The comparison as a table for a person at a terminal. */
export function formatComparison(comparison: Comparison): string {
  const { a, b } = comparison;
  const header = [
    `A: ${a.run} (${a.scenario}, ${a.mode}, seed ${a.seed}, ${a.participants.toLocaleString('en-US')} × ${a.days} days)`,
    `B: ${b.run} (${b.scenario}, ${b.mode}, seed ${b.seed}, ${b.participants.toLocaleString('en-US')} × ${b.days} days)`,
  ];
  const table = new Table({
    head: ['figure', 'unit', 'A', 'B', 'B − A', '95 % CI of B − A', 'B vs A'],
    style: { head: [], border: [], compact: true },
  });
  for (const figure of comparison.figures) {
    table.push([
      `${figure.label} (${figure.better} is better)`,
      figure.unit,
      number(figure.a, figure.digits),
      number(figure.b, figure.digits),
      signed(figure.difference, figure.digits),
      figure.interval ? `${signed(figure.interval.low, figure.digits)} … ${signed(figure.interval.high, figure.digits)}` : '—',
      figure.verdict,
    ]);
  }
  const verdicts = count(comparison.figures);
  const summaryLine = `B is better on ${verdicts.better}, worse on ${verdicts.worse}, within noise on ${verdicts['within noise']} of ${comparison.figures.length} figures.`;
  return [...header, table.toString(), summaryLine, ...comparison.notes.map((note) => `note: ${note}`)].join('\n');
}

function count(figures: readonly FigureComparison[]): Record<string, number> {
  const counts: Record<string, number> = { better: 0, worse: 0, 'within noise': 0 };
  for (const figure of figures) counts[figure.verdict] = (counts[figure.verdict] ?? 0) + 1;
  return counts;
}

function number(value: number | null, digits: number): string {
  return value === null ? '—' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function signed(value: number | null, digits: number): string {
  if (value === null) return '—';
  const text = number(Math.abs(value), digits);
  return Number(text.replaceAll(',', '')) === 0 ? text : `${value < 0 ? '−' : '+'}${text}`;
}
