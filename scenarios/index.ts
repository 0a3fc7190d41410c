export { loadScenario, type LoadOptions } from './loader.ts';
export type { Scenario } from './schema.ts';
export { ScenarioError, SCENARIO_ERRORS, type ScenarioErrorCode, type ScenarioIssue } from './errors.ts';
