import { withVerification, type Summary } from '../metrics/summary.ts';
import { runScoreStudy, studyInputs, studyKey, type ScoreStudy } from './score-study.ts';
import { thresholdsFor, verificationSection } from './verification-section.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/**
 * Runs the study of one scenario and returns its summary with the `verification` section, or, given
 * studies already drawn (a sweep's, keyed by `studyKey`), reads the one that fits.
 */
export function addVerificationStudy(scenario: Scenario, summary: Summary, studies?: ReadonlyMap<string, ScoreStudy>): Summary {
  const study = studies ? findStudy(scenario, studies) : runScoreStudy(studyInputs(scenario), thresholdsFor(scenario));
  const section = verificationSection(scenario, study, {
    days: summary.days,
    complied: summary.windows.complied,
    impostor: summary.windows.impostor,
    judged: summary.verdicts.verified + summary.verdicts.rejected,
  });
  return withVerification(summary, section);
}

/**
 * The studies a set of scenarios needs: one per distinct score model and sizes, each drawing the most
 * attempts any of its scenarios allows and counting at every threshold any of them reports. Points of
 * a sweep over thresholds or policy fields share one study.
 */
export function studiesFor(scenarios: readonly Scenario[]): Map<string, ScoreStudy> {
  const groups = new Map<string, Scenario[]>();
  for (const scenario of scenarios) {
    const key = studyKey(studyInputs(scenario, 0));
    groups.set(key, [...(groups.get(key) ?? []), scenario]);
  }
  const studies = new Map<string, ScoreStudy>();
  for (const [key, members] of groups) {
    const attempts = Math.max(...members.map((scenario) => scenario.policy.maxAttempts));
    studies.set(key, runScoreStudy(studyInputs(members[0]!, attempts), members.flatMap(thresholdsFor)));
  }
  return studies;
}

function findStudy(scenario: Scenario, studies: ReadonlyMap<string, ScoreStudy>): ScoreStudy {
  const study = studies.get(studyKey(studyInputs(scenario, 0)));
  if (!study) throw new Error(`no verification study was drawn for scenario ${scenario.name}`);
  return study;
}
