import type { HeadlineRow } from './report-types.ts';
import type { Summary } from '../metrics/summary.ts';
import { groupDifferentials, scientificRate, timesWhole } from '../verification/study-groups.ts';

/**
 * The verification study in a run report's headline: per-window rates at each modality's threshold,
 * what they mean for this fleet in a year, and each group's rates beside the whole study's (who bears
 * the false failures, who is impersonated more easily). None without a study.
 */
export function studyHeadlineRows(summary: Summary): HeadlineRow[] {
  const section = summary.verification;
  if (!section) return [];
  const { design, fleet } = section;
  const modalities = (['face', 'voice'] as const).map((modality) => {
    const { threshold, atThreshold } = section[modality];
    return {
      label: `verification study, ${modality} at ${threshold}`,
      value: `false match ${scientificRate(atThreshold.window.falseMatch)} per window`,
      note: `false non-match ${scientificRate(atThreshold.window.falseNonMatch)} per window; per attempt ${scientificRate(atThreshold.attempt.falseMatch)} and ${scientificRate(atThreshold.attempt.falseNonMatch)}; from ${design.genuineWindows.toLocaleString('en-US')} genuine and ${(design.impostorWindows + design.lookAlikeWindows).toLocaleString('en-US')} impostor windows`,
    };
  });
  const groups = groupDifferentials(section).map((group) => ({
    label: `group ${group.name}, ${group.modality} at ${group.threshold}`,
    value: `false non-match ${scientificRate(group.falseNonMatch)} per window, ${timesWhole(group.falseNonMatchRatio)}`,
    note: `false match ${scientificRate(group.falseMatch)} per window, ${timesWhole(group.falseMatchRatio)}; × is the group's rate over the whole study's (a synthetic label, from the study)`,
  }));
  return [
    ...modalities,
    {
      label: 'verification study, a year for this fleet',
      value: `${fleet.falseAcceptsPerYear.value.toFixed(1)} false accepts (${fleet.falseAcceptsPerYear.low.toFixed(1)}–${fleet.falseAcceptsPerYear.high.toFixed(1)})`,
      note: `${Math.round(fleet.verificationFalseFailuresPerYear.value).toLocaleString('en-US')} verification false failures (${Math.round(fleet.verificationFalseFailuresPerYear.low).toLocaleString('en-US')}–${Math.round(fleet.verificationFalseFailuresPerYear.high).toLocaleString('en-US')}): the study's rates times this fleet's windows a year`,
    },
    ...groups,
  ];
}
