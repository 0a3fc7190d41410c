import { withVerification, type Summary } from '../metrics/summary.ts';
import { studyInputs, studyKey, type ScoreStudy } from './score-study.ts';
import { runStudies, type StudyRequest, type StudyThreads } from './study-pool.ts';
import { thresholdsFor, verificationSection } from './verification-section.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/** A scenario's summary with the `verification` section, read from the studies drawn for it (`drawStudies`). */
export function addVerificationStudy(scenario: Scenario, summary: Summary, studies: ReadonlyMap<string, ScoreStudy>): Summary {
  const section = verificationSection(scenario, findStudy(scenario, studies), {
    days: summary.days,
    complied: summary.windows.complied,
    impostor: summary.windows.impostor,
    judged: summary.verdicts.verified + summary.verdicts.rejected,
  });
  return withVerification(summary, section);
}

/**
 * The studies a set of scenarios needs, keyed by `studyKey`: one per distinct score model and sizes,
 * each drawing the most attempts any of its scenarios allows and counting at every threshold any of
 * them reports (points of a sweep over thresholds or policy fields share one), their chunks spread
 * over `threads`.
 */
export async function drawStudies(scenarios: readonly Scenario[], threads: StudyThreads): Promise<Map<string, ScoreStudy>> {
  const members = new Map<string, Scenario[]>();
  for (const scenario of scenarios) {
    const key = studyKey(studyInputs(scenario, 0));
    members.set(key, [...(members.get(key) ?? []), scenario]);
  }
  const requests: StudyRequest[] = [...members.values()].map((group) => ({
    inputs: studyInputs(group[0]!, Math.max(...group.map((scenario) => scenario.policy.maxAttempts))),
    thresholds: group.flatMap(thresholdsFor),
  }));
  const studies = await runStudies(requests, threads);
  return new Map([...members.keys()].map((key, index) => [key, studies[index]!]));
}

function findStudy(scenario: Scenario, studies: ReadonlyMap<string, ScoreStudy>): ScoreStudy {
  const study = studies.get(studyKey(studyInputs(scenario, 0)));
  if (!study) throw new Error(`no verification study was drawn for scenario ${scenario.name}`);
  return study;
}
