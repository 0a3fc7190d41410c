import Table from 'cli-table3';
import type { VerificationSection } from '../metrics/verification-types.ts';
import { groupDifferentials, scientificRate, timesWhole } from './study-groups.ts';

/**
 * The study's headline for a terminal: per-window rates at each modality's threshold, 95 % intervals,
 * and, when the scenario has groups, each group's rates beside them.
 */
export function formatStudyLine(section: VerificationSection): string {
  const modality = (name: 'face' | 'voice') => {
    const { threshold, atThreshold } = section[name];
    return `${name} at ${threshold}: false match ${scientificRate(atThreshold.window.falseMatch)}, false non-match ${scientificRate(atThreshold.window.falseNonMatch)} per window`;
  };
  const { falseAcceptsPerYear, verificationFalseFailuresPerYear } = section.fleet;
  return [
    `verification study (${section.design.impostorWindows.toLocaleString('en-US')} random-impostor windows a modality): ${modality('face')}; ${modality('voice')}`,
    `  a year for this fleet: ${falseAcceptsPerYear.value.toFixed(1)} false accepts (${falseAcceptsPerYear.low.toFixed(1)}–${falseAcceptsPerYear.high.toFixed(1)}), ${Math.round(verificationFalseFailuresPerYear.value).toLocaleString('en-US')} verification false failures (${Math.round(verificationFalseFailuresPerYear.low).toLocaleString('en-US')}–${Math.round(verificationFalseFailuresPerYear.high).toLocaleString('en-US')})`,
    ...groupTable(section),
  ].join('\n');
}

function groupTable(section: VerificationSection): string[] {
  const rows = groupDifferentials(section);
  if (rows.length === 0) return [];
  const table = new Table({
    head: ['study group (synthetic)', 'threshold', 'false non-match / window (95 % CI)', 'vs all', 'false match / window (95 % CI)', 'vs all'],
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) {
    table.push([`${row.name} (${row.modality})`, String(row.threshold), scientificRate(row.falseNonMatch), timesWhole(row.falseNonMatchRatio), scientificRate(row.falseMatch), timesWhole(row.falseMatchRatio)]);
  }
  return [table.toString()];
}
